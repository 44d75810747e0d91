// Starts GraphiQL on the page leadbox serves at /graphql. A file rather than an inline script, so
// that the page's Content-Security-Policy allows scripts from its own origin only.
(function () {
  "use strict";

  var container = document.getElementById("graphiql");
  var endpoint = container.getAttribute("data-endpoint") || "/graphql";

  var WELCOME = [
    "# leadbox GraphQL API",
    "#",
    "# 1. Under Headers (below), paste what `leadbox serve --demo`",
    '#    printed after "Headers:", e.g.',
    '#    {"Authorization": "Bearer lbx_..."}',
    "# 2. Run the query: Ctrl-Enter, or the play button.",
    "#",
    "# On the left, the book opens the documentation of every type",
    "# and field, and the third icon the explorer, which builds a",
    "# query as you tick fields.",
    "",
    "{",
    "  viewer {",
    "    name",
    "    role",
    "  }",
    "}",
    "",
  ].join("\n");

  // A link can carry the query and its variables (?q=...&variables=...); the address bar follows
  // the editors so that it can be copied and shared. Headers stay out of it: they hold the token,
  // and GraphiQL keeps them in this browser's local storage instead.
  var params = new URLSearchParams(window.location.search);

  function remember(name, value) {
    if (value) {
      params.set(name, value);
    } else {
      params.delete(name);
    }
    var search = params.toString();
    window.history.replaceState(null, "", search ? "?" + search : window.location.pathname);
  }

  var fetcher = GraphiQL.createFetcher({ url: endpoint });
  var explorer = GraphiQLPluginExplorer.explorerPlugin();

  var element = React.createElement(GraphiQL, {
    fetcher: fetcher,
    plugins: [explorer],
    query: params.get("q") || undefined,
    variables: params.get("variables") || undefined,
    defaultQuery: WELCOME,
    onEditQuery: function (query) {
      remember("q", query);
    },
    onEditVariables: function (variables) {
      remember("variables", variables);
    },
    isHeadersEditorEnabled: true,
    shouldPersistHeaders: true,
    defaultEditorToolsVisibility: true,
    inputValueDeprecation: true,
  });

  ReactDOM.createRoot(container).render(element);
})();
