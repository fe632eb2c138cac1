import { createBrowserRouter } from "react-router";
import { AssetPage } from "../features/asset/AssetPage";
import { SearchPage } from "../features/search/SearchPage";
import { Layout } from "./Layout";
import { NotFoundPage } from "./NotFoundPage";

/** Every client-side route; the server answers index.html for each, so a pasted URL opens the
 * same view. The graph view (and cytoscape with it) loads only when opened. */
export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "/", element: <SearchPage /> },
      { path: "/assets/:name", element: <AssetPage /> },
      {
        path: "/assets/:name/provenance",
        lazy: async () => ({ Component: (await import("../features/provenance/ProvenancePage")).ProvenancePage }),
      },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
