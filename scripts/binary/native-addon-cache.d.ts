// Types of native-addon-cache.js, for the tests under test/binary.

export interface CacheFolderCandidate {
  folder: string;
  /** The setting the folder came from, named in error messages. */
  origin: string;
}

export function candidateCacheFolders(
  env: NodeJS.ProcessEnv,
  homeDir: string,
  tempDir: string,
  uid: number,
): CacheFolderCandidate[];

export function extractNativeAddon(
  addonPath: string,
  env: NodeJS.ProcessEnv,
  homeDir: string,
  tempDir: string,
  uid: number,
): string;

export function installNativeAddonCache(): void;
