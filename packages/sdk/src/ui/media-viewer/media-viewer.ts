import DhMediaViewer from './media-viewer.component.js';

export { DhMediaViewer };
export default DhMediaViewer;

export const MEDIA_VIEWER_TAG = 'dh-media-viewer';

/** Defines `<dh-media-viewer>` once per page. */
export function defineMediaViewer(): void {
  if (typeof customElements !== 'undefined' && !customElements.get(MEDIA_VIEWER_TAG)) {
    customElements.define(MEDIA_VIEWER_TAG, DhMediaViewer);
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'dh-media-viewer': DhMediaViewer;
  }
}
