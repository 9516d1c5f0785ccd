// Starts GraphiQL in the page that the gateway serves at its GraphQL path. The page loads this
// script before the GraphiQL bundle, so Monaco finds its environment when the bundle runs.
'use strict';

(() => {
  const root = document.getElementById('graphiql');
  const assets = root.dataset.assets;
  // Monaco's editor workers, served by the gateway like every other asset of the page.
  const workerFiles = { editorWorkerService: 'editor.worker.js', json: 'json.worker.js', graphql: 'graphql.worker.js' };

  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: (_moduleId, label) => new URL(assets + (workerFiles[label] ?? workerFiles.editorWorkerService), document.baseURI).href,
  };

  document.addEventListener('DOMContentLoaded', () => {
    // Without `endpoint`, GraphiQL sends operations to the page's own path.
    window.YogaGraphiQL.renderYogaGraphiQL(root, {
      title: 'Tandem',
      query: [
        '# Run LogIn with your e-mail address and password, then add its accessToken in the',
        '# Headers tab below as {"Authorization": "Bearer <accessToken>"} and run Viewer.',
        'mutation LogIn {',
        '  logIn(input: { email: "", password: "" }) {',
        '    accessToken',
        '    userErrors { code message }',
        '  }',
        '}',
        '',
        'query Viewer {',
        '  viewer { account { name email } }',
        '}',
        '',
      ].join('\n'),
    });
  });
})();
