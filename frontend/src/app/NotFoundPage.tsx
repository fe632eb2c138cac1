import { Link, useLocation } from "react-router";

export function NotFoundPage() {
  const { pathname } = useLocation();
  return (
    <section className="state state-empty not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Page not found</h1>
      <p>
        Nothing lives at <code>{pathname}</code>.
      </p>
      <Link className="button" to="/">
        Search the catalog
      </Link>
    </section>
  );
}
