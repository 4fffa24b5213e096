// SECAS's words as the report prints them: plain text in, paragraphs and simple lists out. Nothing
// typed is ever treated as HTML — the template escapes every string — so a summary can say
// "<b>" or "{{x}}" and print exactly that.

export type TextBlock = { kind: 'paragraph'; lines: string[] } | { kind: 'bullets'; items: string[] } | { kind: 'numbers'; items: string[] };

const BULLET = /^\s*[-*•]\s+(.*)$/;
const NUMBER = /^\s*\d{1,3}[.)]\s+(.*)$/;

/**
 * Blank lines separate paragraphs. Lines starting "- ", "* " or "• " make a bulleted list, lines
 * starting "1. " or "1) " a numbered one — also straight after a line of text ("We ask:" then the
 * list). Other lines are paragraph text, their line breaks kept.
 */
export function textBlocks(text: string | null): TextBlock[] {
  if (text === null) return [];
  const blocks: TextBlock[] = [];
  for (const chunk of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    let current = null as TextBlock | null;
    for (const raw of chunk.split('\n')) {
      const line = raw.trim();
      if (line === '') continue;
      const bullet = BULLET.exec(line)?.[1];
      const number = bullet === undefined ? NUMBER.exec(line)?.[1] : undefined;
      const kind = bullet !== undefined ? 'bullets' : number !== undefined ? 'numbers' : 'paragraph';
      if (current?.kind !== kind) {
        const block: TextBlock = kind === 'paragraph' ? { kind, lines: [] } : { kind, items: [] };
        blocks.push(block);
        current = block;
      }
      if (current.kind === 'paragraph') current.lines.push(line);
      else current.items.push((bullet ?? number)!);
    }
  }
  return blocks;
}

/** Decisions sought: one a line, with any list marker the writer typed taken off. */
export function listItems(text: string | null): string[] {
  if (text === null) return [];
  return text
    .split(/\r\n?|\n/)
    .map((line) => (BULLET.exec(line)?.[1] ?? NUMBER.exec(line)?.[1] ?? line).trim())
    .filter((line) => line !== '');
}
