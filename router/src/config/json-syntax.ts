// Finds where a config file stops being JSON, as a line and column, and which keys appear
// twice in one object. JSON.parse cannot be used for the message: V8 quotes the text around
// the error, which in a config file may be a password. Nothing here quotes the file.

export interface JsonPosition {
  line: number;
  column: number;
}

export interface JsonSyntaxError extends JsonPosition {
  message: string;
}

export interface DuplicateKey extends JsonPosition {
  /** Keys and array indexes from the document root to the repeated key. */
  path: (string | number)[];
}

export interface JsonSyntaxReport {
  error?: JsonSyntaxError;
  duplicates: DuplicateKey[];
}

class SyntaxProblem extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A config nests four levels deep; a limit keeps a broken or hostile file from exhausting the
 * stack here (this scanner, JSON.parse and the schema validator all recurse).
 */
const maxNestingDepth = 64;

const numberPattern = /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/y;

class Scanner {
  private offset = 0;
  readonly duplicates: { offset: number; path: (string | number)[] }[] = [];

  constructor(private readonly text: string) {}

  document(): void {
    this.value([]);
    this.skipSpace();
    if (this.offset < this.text.length) {
      this.fail('unexpected text after the end of the configuration');
    }
  }

  private fail(message: string, offset = this.offset): never {
    throw new SyntaxProblem(offset, message);
  }

  private skipSpace(): void {
    while (' \t\n\r'.includes(this.text[this.offset] ?? 'x')) this.offset++;
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.offset];
  }

  private value(path: (string | number)[]): void {
    const next = this.peek();
    if (next === undefined) this.fail('the file ends where a value was expected');
    if ((next === '{' || next === '[') && path.length >= maxNestingDepth) {
      this.fail(`objects and arrays nested deeper than ${maxNestingDepth} levels`);
    }
    if (next === '{') return this.object(path);
    if (next === '[') return this.array(path);
    if (next === '"') return void this.string();
    for (const word of ['true', 'false', 'null']) {
      if (this.text.startsWith(word, this.offset)) {
        this.offset += word.length;
        return;
      }
    }
    numberPattern.lastIndex = this.offset;
    const number = numberPattern.exec(this.text);
    if (number !== null) {
      this.offset += number[0].length;
      return;
    }
    if (next === "'") this.fail('strings must be in double quotes');
    this.fail('expected a value (an object, array, string, number, true, false or null)');
  }

  private object(path: (string | number)[]): void {
    this.offset++; // {
    const keys = new Set<string>();
    if (this.peek() === '}') {
      this.offset++;
      return;
    }
    for (;;) {
      if (this.peek() !== '"') {
        this.fail(
          this.peek() === '}'
            ? 'a comma before } is not allowed in JSON'
            : 'expected a property name in double quotes',
        );
      }
      const keyOffset = this.offset;
      const key = this.string();
      if (keys.has(key)) this.duplicates.push({ offset: keyOffset, path: [...path, key] });
      keys.add(key);
      if (this.peek() !== ':') this.fail("expected ':' after a property name");
      this.offset++;
      this.value([...path, key]);
      const next = this.peek();
      this.offset++;
      if (next === '}') return;
      if (next !== ',') this.fail("expected ',' or '}' after a property value", this.offset - 1);
    }
  }

  private array(path: (string | number)[]): void {
    this.offset++; // [
    if (this.peek() === ']') {
      this.offset++;
      return;
    }
    for (let index = 0; ; index++) {
      if (this.peek() === ']') this.fail('a comma before ] is not allowed in JSON');
      this.value([...path, index]);
      const next = this.peek();
      this.offset++;
      if (next === ']') return;
      if (next !== ',') this.fail("expected ',' or ']' after an array element", this.offset - 1);
    }
  }

  /** Reads a string token and returns its text (escapes decoded well enough to compare keys). */
  private string(): string {
    const start = this.offset;
    this.offset++; // "
    let text = '';
    for (;;) {
      const char = this.text[this.offset];
      if (char === undefined) this.fail('a string is not closed', start);
      if (char === '"') {
        this.offset++;
        return text;
      }
      if (char < ' ') this.fail('a line break or control character inside a string');
      if (char === '\\') {
        const escape = this.text[this.offset + 1];
        if (
          escape === 'u' &&
          /^[0-9A-Fa-f]{4}$/.test(this.text.slice(this.offset + 2, this.offset + 6))
        ) {
          text += String.fromCharCode(
            parseInt(this.text.slice(this.offset + 2, this.offset + 6), 16),
          );
          this.offset += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          this.fail('an invalid escape sequence inside a string');
        }
        text += escape;
        this.offset += 2;
        continue;
      }
      text += char;
      this.offset++;
    }
  }
}

/** The 1-based line and column of `offset` in `text`. */
export function positionOf(text: string, offset: number): JsonPosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

export function checkJsonSyntax(text: string): JsonSyntaxReport {
  const scanner = new Scanner(text);
  const duplicates = () =>
    scanner.duplicates.map(({ offset, path }) => ({ ...positionOf(text, offset), path }));
  try {
    scanner.document();
  } catch (error) {
    if (!(error instanceof SyntaxProblem)) throw error;
    return {
      error: { ...positionOf(text, error.offset), message: error.message },
      duplicates: duplicates(),
    };
  }
  return { duplicates: duplicates() };
}
