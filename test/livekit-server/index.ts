export { startLiveKitTestServer, type LiveKitTestServer } from './server.js';
