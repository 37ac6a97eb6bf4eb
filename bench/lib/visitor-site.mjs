// The visitor's page for the browser benchmarks: a 360×540 digital human from the server's script tag, served
// from its own loopback origin like a customer's site.
import { createServer } from 'node:http';

/** Starts the page's server; resolves with it (close it when done) and the page's URL. */
export async function serveVisitorSite(serverUrl) {
  const site = createServer((_request, response) =>
    response
      .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(
        `<!doctype html><style>#dh{width:360px;height:540px}</style><div id="dh"></div><script ` +
          `src="${serverUrl}/sdk/dhkit.umd.js"></script>`,
      ),
  );
  await new Promise((resolve) => site.listen(0, '127.0.0.1', resolve));
  return { site, url: `http://127.0.0.1:${site.address().port}/` };
}
