/** `args` with every `--disable-features` switch (Playwright's list and dhkit's included) merged into one, placed last. */
export declare function withDisabledFeatures(args: readonly string[]): string[];
