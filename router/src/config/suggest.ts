// "Did you mean" for misspelt field and option names.

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known name closest to `name`, when it is close enough to be a typo. */
export function closestName(name: string, known: string[]): string | undefined {
  const lowered = name.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (
      distance <= Math.max(1, Math.floor(candidate.length / 4)) &&
      distance < (best?.distance ?? Infinity)
    ) {
      best = { name: candidate, distance };
    }
  }
  return best?.name;
}
