import DigitalHumanElement from './digital-human.component.js';

export { DigitalHumanElement };
export default DigitalHumanElement;

declare global {
  interface HTMLElementTagNameMap {
    'digital-human': DigitalHumanElement;
  }
}
