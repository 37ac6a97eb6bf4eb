/** The SDK's version; kept equal to package.json's by a unit test (version.test.ts). */
export const version = '0.1.0';
