/**
 * `/sdk/hwics.umd.js`: the global `HwICSUiSdk`, a drop-in for pages written for Huawei MetaStudio's
 * intelligent-interaction Web SDK. Its only export is that class (the UMD global is the class itself).
 */
export { HwICSUiSdk as default } from './hwics-ui-sdk.js';
