// Types of build-digest.js, plain JavaScript so that bin/sigil.js can load it before anything is compiled.
export declare const ROOT: string;
export declare const DIST: string;
export declare const STAMP: string;
/** Paths relative to ROOT: the .ts files tsconfig.build.json compiles, then the two tsconfig files. */
export declare function buildInputs(): string[];
export declare function sourceDigest(): string;
export declare function builtDigest(): string | null;
export declare function buildIsCurrent(): boolean;
