/**
 * Readers for the Dockerfile and compose.yaml, strict enough that what the tests check is what
 * Docker would read. No YAML parser is a dependency, so compose.yaml keeps to a subset (block
 * mappings, block lists, plain or quoted scalars, comments); anything else is an error here.
 */

export interface Instruction {
  keyword: string;
  args: string;
}

export interface Stage {
  from: string;
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions grouped by stage; line continuations joined, comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const logical = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    const match = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile: cannot read ${JSON.stringify(line)}`);
    const [, keyword, args] = match as unknown as [string, string, string];
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile: cannot read FROM ${args}`);
      stages.push({ from: from[1]!, name: from[2], instructions: [] });
    } else {
      if (stages.length === 0) throw new Error(`Dockerfile: ${keyword} before FROM`);
      stages.at(-1)!.instructions.push({ keyword, args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

/** The exec form's argument list (a JSON array), as Docker runs it. */
export function execForm(args: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string'))
    throw new Error(`not an exec-form list: ${args}`);
  return parsed;
}

/** ENV in the KEY=value form, possibly several per instruction. */
export function environmentOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const { args } of stage.instructions.filter((each) => each.keyword === 'ENV')) {
    for (const pair of args.split(' ')) {
      const [key, ...value] = pair.split('=');
      if (value.length === 0) throw new Error(`Dockerfile: write ENV as KEY=value (${args})`);
      env[key!] = value.join('=');
    }
  }
  return env;
}

export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  number: number;
  indent: number;
  text: string;
}

/** Reads compose.yaml's subset of YAML; throws, naming the line, on anything outside it. */
export function parseYamlSubset(text: string): Yaml {
  const lines: Line[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.includes('\t')) throw new Error(`line ${index + 1}: tab`);
    const content = stripComment(raw);
    if (content.trim() === '') return;
    lines.push({
      number: index + 1,
      indent: content.length - content.trimStart().length,
      text: content.trim(),
    });
  });
  let position = 0;

  function block(indent: number): Yaml {
    const first = lines[position]!;
    if (first.indent !== indent) throw new Error(`line ${first.number}: unexpected indentation`);
    return first.text.startsWith('- ') ? list(indent) : mapping(indent);
  }

  function nested(parent: Line): Yaml | undefined {
    const next = lines[position];
    return next && next.indent > parent.indent ? block(next.indent) : undefined;
  }

  function list(indent: number): Yaml[] {
    const items: Yaml[] = [];
    while (position < lines.length && lines[position]!.indent === indent) {
      const line = lines[position++]!;
      if (!line.text.startsWith('- ')) throw new Error(`line ${line.number}: expected a list item`);
      items.push(scalar(line.text.slice(2).trim(), line));
    }
    return items;
  }

  function mapping(indent: number): { [key: string]: Yaml } {
    const map: { [key: string]: Yaml } = {};
    while (position < lines.length && lines[position]!.indent === indent) {
      const line = lines[position++]!;
      const match = /^([A-Za-z0-9_.-]+):(?: (.*))?$/.exec(line.text);
      if (!match) throw new Error(`line ${line.number}: expected "key: value"`);
      const [, key, value] = match as unknown as [string, string, string | undefined];
      if (key in map) throw new Error(`line ${line.number}: ${key} given twice`);
      map[key] = value === undefined ? (nested(line) ?? '') : scalar(value.trim(), line);
    }
    return map;
  }

  const document = block(0);
  if (position < lines.length)
    throw new Error(`line ${lines[position]!.number}: unexpected indentation`);
  return document;
}

function stripComment(raw: string): string {
  let quote: string | undefined;
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw[index]!;
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '#' && (index === 0 || raw[index - 1] === ' ')) return raw.slice(0, index);
  }
  return raw;
}

function scalar(text: string, line: Line): string {
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) return JSON.parse(text) as string;
  if (/^'[^']*'$/.test(text)) return text.slice(1, -1);
  if (/^[[{&*!|>%@`"']/.test(text) || /: /.test(text))
    throw new Error(
      `line ${line.number}: ${JSON.stringify(text)} is outside the subset this test reads`,
    );
  return text;
}
