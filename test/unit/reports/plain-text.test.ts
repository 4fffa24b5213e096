// SECAS's words as the report prints them: paragraphs, lists after a line of text, decisions one a line.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { listItems, textBlocks } from '../../../server/reports/plain-text.ts';

describe('the executive summary as plain text', () => {
  it('splits paragraphs at blank lines and keeps the line breaks within one', () => {
    assert.deepEqual(textBlocks('First line\nsecond line\n\n\nNext paragraph.'), [
      { kind: 'paragraph', lines: ['First line', 'second line'] },
      { kind: 'paragraph', lines: ['Next paragraph.'] },
    ]);
  });

  it('reads "- ", "* " and "• " lines as bullets and "1. " or "1) " lines as numbers, also straight after text', () => {
    assert.deepEqual(textBlocks('We ask:\n- one\n* two\n• three\nThen:\n1. first\n2) second'), [
      { kind: 'paragraph', lines: ['We ask:'] },
      { kind: 'bullets', items: ['one', 'two', 'three'] },
      { kind: 'paragraph', lines: ['Then:'] },
      { kind: 'numbers', items: ['first', 'second'] },
    ]);
  });

  it('takes Windows line ends and gives nothing for no text', () => {
    assert.deepEqual(textBlocks('a\r\n\r\n- b\r\n'), [
      { kind: 'paragraph', lines: ['a'] },
      { kind: 'bullets', items: ['b'] },
    ]);
    assert.deepEqual(textBlocks(null), []);
    assert.deepEqual(textBlocks(' \n\n '), []);
  });

  it('lists decisions one a line, without the markers typed', () => {
    assert.deepEqual(listItems('1. Note the report.\n\n- Agree to write\n  Decide the date  \n'), ['Note the report.', 'Agree to write', 'Decide the date']);
    assert.deepEqual(listItems(null), []);
  });
});
