// Offsets (what the core's parsers and validators report) to VS Code ranges, written once.
import * as vscode from 'vscode';
import { LineIndex } from '../scim/text';

/** Anything that maps an offset to a Position: an open TextDocument, or positionsOf(text) for a file on disk. */
export interface Positions {
  positionAt(offset: number): vscode.Position;
}

/** The range of `length` characters at `offset`. */
export function rangeOf(text: Positions, offset: number, length: number): vscode.Range {
  return new vscode.Range(text.positionAt(offset), text.positionAt(offset + length));
}

/** Positions in a text that is not open in an editor, with the core's line rules (LF, CRLF, CR). */
export function positionsOf(text: string): Positions {
  const index = new LineIndex(text);
  return {
    positionAt: (offset) => {
      const p = index.position(offset);
      return new vscode.Position(p.line, p.column);
    },
  };
}
