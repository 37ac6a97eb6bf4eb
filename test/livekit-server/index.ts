export { startLiveKitTestServer, TEST_API_KEY, TEST_API_SECRET, type LiveKitTestServer, type LiveKitTestServerOptions } from './server.js';
export { SERVER_VERSION } from './server-info.js';
