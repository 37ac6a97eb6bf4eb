import DhMediaViewer from './media-viewer.component.js';

export { DhMediaViewer };
export default DhMediaViewer;

declare global {
  interface HTMLElementTagNameMap {
    'dh-media-viewer': DhMediaViewer;
  }
}
