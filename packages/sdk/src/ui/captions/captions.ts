import DhCaptions from './captions.component.js';

export { DhCaptions };
export default DhCaptions;

declare global {
  interface HTMLElementTagNameMap {
    'dh-captions': DhCaptions;
  }
}
