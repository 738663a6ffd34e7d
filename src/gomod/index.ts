// The go.mod engine: a lossless parser, Go's canonical printer, Go's edits, and gomod-cap.
export { GoModError, type GoModProblem } from './errors';
export {
  GoModFile,
  parseGoMod,
  parseGoModBytes,
  formatGoMod,
  fmtGoMod,
  autoQuote,
  mustQuote,
  isIndirect,
  isDirectoryPath,
  type ModuleStmt,
  type GoStmt,
  type ToolchainStmt,
  type Godebug,
  type Require,
  type Exclude,
  type Replace,
  type Retract,
  type Tool,
  type Ignore,
} from './modfile';
export { decodeGoMod, encodeGoMod } from './bytes';
export { capGoMod, capGoModBytes, capChanges, type CapChange, type CapResult, type CapOptions } from './cap';
export type { FileSyntax, Line, LineBlock, Comment, Comments, CommentBlock, Position } from './syntax';
