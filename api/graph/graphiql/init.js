// Starts GraphiQL on this server's endpoint: queries over HTTP POST,
// subscriptions over graphql-transport-ws (the graphql-ws client), with the
// page's ?api_key= (if any) sent as X-API-Key and in connection_init.
(function () {
  'use strict';
  var el = document.getElementById('graphiql');
  var endpoint = el.getAttribute('data-endpoint');
  var apiKey = new URLSearchParams(window.location.search).get('api_key') || '';
  var wsURL = (window.location.protocol === 'https:' ? 'wss://' : 'ws://') + window.location.host + endpoint;
  var wsClient = graphqlWs.createClient({
    url: wsURL,
    lazy: true,
    connectionParams: apiKey ? { apiKey: apiKey } : {},
  });
  var fetcher = GraphiQL.createFetcher({
    url: endpoint,
    wsClient: wsClient,
    headers: apiKey ? { 'X-API-Key': apiKey } : {},
  });
  var defaultQuery = [
    '# Queries run over HTTP; subscriptions over WebSocket.',
    '# Try: subscription { quotes(group: "VN30") { symbol price change volume seq ts } }',
    'query {',
    '  quotes(symbols: ["VNM", "FPT"]) {',
    '    quotes { symbol closePrice priceChange percentChange volumeAccumulated }',
    '    meta { source cached stale }',
    '  }',
    '}',
    '',
  ].join('\n');
  ReactDOM.createRoot(el).render(
    React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: defaultQuery })
  );
})();
