// The original appliance's router took Go-style single-dash flags (`-config FILE`, `-verbose`).
// Scripts and unit files written for it keep working: those spellings are rewritten to ours
// before commander sees them.

const renamed: Record<string, string[]> = {
  '-config': ['--config'],
  '-verbose': ['--log-level', 'debug'],
  '-data-dir': ['--data-dir'],
  '-log-json': ['--log-json'],
};

export function translateLegacyFlags(args: string[]): string[] {
  const translated: string[] = [];
  for (const arg of args) {
    const [flag, value] = arg.split(/=(.*)/s, 2);
    const replacement = renamed[flag];
    if (!replacement) {
      translated.push(arg);
    } else {
      translated.push(...replacement, ...(value !== undefined ? [value] : []));
    }
  }
  return translated;
}
