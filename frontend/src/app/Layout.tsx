import { useEffect } from "react";
import { Link, NavLink, Outlet, useNavigate } from "react-router";
import { TokenControl } from "./TokenControl";

/** The id of the search box, which "/" focuses from anywhere. */
export const SEARCH_BOX_ID = "search-box";

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

/** "/" jumps to the search box, as on GitHub and DANDI; from another page it opens the search. */
function useSlashToSearch() {
  const navigate = useNavigate();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
      event.preventDefault();
      const box = document.getElementById(SEARCH_BOX_ID);
      if (box) box.focus();
      else void Promise.resolve(navigate("/")).then(() => window.setTimeout(() => document.getElementById(SEARCH_BOX_ID)?.focus(), 50));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [navigate]);
}

export function Layout() {
  useSlashToSearch();
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="site-header">
        <Link to="/" className="brand" aria-label="Catalog home">
          <span className="brand-mark" aria-hidden="true" />
          Catalog
        </Link>
        <nav aria-label="Main">
          <NavLink to="/" end>
            Search
          </NavLink>
          <a href="/graphql">GraphQL API</a>
        </nav>
        <TokenControl />
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
