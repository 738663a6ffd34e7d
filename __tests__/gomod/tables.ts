// Hand-written go.mod cases shared by the unit tests (our engine) and the wire suite (which
// checks that the real `go mod edit -fmt` agrees with every expectation written here).

export interface FmtRow {
  name: string;
  input: string;
  /** What `go mod edit -fmt` writes. */
  want: string;
}

export const fmtRows: FmtRow[] = [
  {
    name: 'CRLF becomes LF',
    input: 'module example.com/m\r\n\r\ngo 1.22\r\n\r\nrequire example.com/a v1.0.0 // c\r\n',
    want: 'module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.0.0 // c\n',
  },
  {
    name: 'blank-line runs collapse, leading blanks go, a final newline is added',
    input: '\n\n\nmodule example.com/m\n\n\n\ngo 1.22',
    want: 'module example.com/m\n\ngo 1.22\n',
  },
  {
    name: 'statements on consecutive lines get a blank line between them',
    input: 'module example.com/m\ngo 1.22\ntoolchain go1.22.3\n',
    want: 'module example.com/m\n\ngo 1.22\n\ntoolchain go1.22.3\n',
  },
  {
    name: 'spacing is normalised and trailing spaces dropped',
    input: '  module   example.com/m  \ngo\t1.22\t\nrequire  \t example.com/a    v1.0.0    //   spaced   \n',
    want: 'module example.com/m\n\ngo 1.22\n\nrequire example.com/a v1.0.0 //   spaced\n',
  },
  {
    name: 'quoted paths are unquoted when they need not be, short versions canonicalised',
    input: 'module "example.com/m"\n\nrequire "example.com/a" v1.2\n',
    want: 'module example.com/m\n\nrequire example.com/a v1.2.0\n',
  },
  {
    name: 'a path that needs quotes keeps canonical quotes',
    input: 'module "example.com/my mod"\n',
    want: 'module "example.com/my mod"\n',
  },
  {
    name: '+incompatible and pseudo-versions are kept',
    input:
      'module m\n\nrequire (\n\tgithub.com/old/thing v2.0.0+incompatible\n\tgolang.org/x/sys v0.0.0-20220412211240-33da011f77ad\n)\n',
    want: 'module m\n\nrequire (\n\tgithub.com/old/thing v2.0.0+incompatible\n\tgolang.org/x/sys v0.0.0-20220412211240-33da011f77ad\n)\n',
  },
  {
    name: 'blocks are sorted and comments move with their lines',
    input:
      'module m\n\nrequire (\n\t// z first\n\texample.com/z v1.0.0 // indirect\n    example.com/b v1.0.0\n\texample.com/a v1.0.0 // a\n)\n',
    want: 'module m\n\nrequire (\n\texample.com/a v1.0.0 // a\n\texample.com/b v1.0.0\n\t// z first\n\texample.com/z v1.0.0 // indirect\n)\n',
  },
  {
    name: 'the whole block is sorted; a blank line stays attached to the line after it',
    input:
      'module m\n\nrequire (\n\texample.com/d v1.0.0\n\texample.com/c v1.0.0\n\n\texample.com/b v1.0.0\n\texample.com/a v1.0.0\n)\n',
    want: 'module m\n\nrequire (\n\texample.com/a v1.0.0\n\n\texample.com/b v1.0.0\n\texample.com/c v1.0.0\n\texample.com/d v1.0.0\n)\n',
  },
  {
    name: 'sorting can move a blank line to the top of a block (Go does this too)',
    input:
      'module m\n\nrequire (\n\texample.com/b v1.0.0\n\n\texample.com/a v1.0.0\n\texample.com/c v1.0.0\n)\n',
    want: 'module m\n\nrequire (\n\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n\texample.com/c v1.0.0\n)\n',
  },
  {
    name: '... and formatting that again drops it: go mod edit -fmt is not idempotent',
    input:
      'module m\n\nrequire (\n\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n\texample.com/c v1.0.0\n)\n',
    want: 'module m\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n\texample.com/c v1.0.0\n)\n',
  },
  {
    name: 'a one-line block becomes a single line',
    input: 'module m\n\nrequire (\n\texample.com/a v1.0.0 // c\n)\n',
    want: 'module m\n\nrequire example.com/a v1.0.0 // c\n',
  },
  {
    name: 'a one-line block with a comment before the paren stays a block',
    input: 'module m\n\nrequire (\n\texample.com/a v1.0.0\n\t// keep me\n)\n',
    want: 'module m\n\nrequire (\n\texample.com/a v1.0.0\n// keep me\n)\n',
  },
  {
    name: 'empty blocks are dropped',
    input: 'module m\n\nrequire ()\n\nexclude (\n)\n',
    want: 'module m\n',
  },
  {
    name: 'a blank line before the closing paren is dropped',
    input: 'module m\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n\n)\n',
    want: 'module m\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n',
  },
  {
    name: 'no space before the paren',
    input: 'module m\n\nrequire(\nexample.com/b v1.0.0\nexample.com/a v1.0.0\n)\n',
    want: 'module m\n\nrequire (\n\texample.com/a v1.0.0\n\texample.com/b v1.0.0\n)\n',
  },
  {
    name: 'duplicate excludes go (first kept), duplicate replaces go (last kept)',
    input:
      'module m\n\nexclude (\n\texample.com/a v1.0.0 // one\n\texample.com/a v1.0.0 // two\n)\n\nreplace example.com/a => ../one\n\nreplace example.com/a => ../two\n',
    want: 'module m\n\nexclude example.com/a v1.0.0 // one\n\nreplace example.com/a => ../two\n',
  },
  {
    name: 'exclude blocks sort by semver from go 1.21 on',
    input: 'module m\n\ngo 1.21\n\nexclude (\n\texample.com/a v1.10.0\n\texample.com/a v1.9.0\n)\n',
    want: 'module m\n\ngo 1.21\n\nexclude (\n\texample.com/a v1.9.0\n\texample.com/a v1.10.0\n)\n',
  },
  {
    name: 'exclude blocks sort as text before go 1.21',
    input: 'module m\n\ngo 1.20\n\nexclude (\n\texample.com/a v1.9.0\n\texample.com/a v1.10.0\n)\n',
    want: 'module m\n\ngo 1.20\n\nexclude (\n\texample.com/a v1.10.0\n\texample.com/a v1.9.0\n)\n',
  },
  {
    name: 'retract ranges are normalised and sorted newest first',
    input: 'module m\n\nretract (\n\t[ v1.0.0 , v1.1.0 ] // bad\n\tv1.5.0\n\t"v1.2.0"\n)\n',
    want: 'module m\n\nretract (\n\tv1.5.0\n\tv1.2.0\n\t[v1.0.0, v1.1.0] // bad\n)\n',
  },
  {
    name: 'comments before, after and at the end of lines and blocks',
    input:
      '// head\n\n// about the module\nmodule m // suffix\n\nrequire ( // after paren\n\t// before a\n\texample.com/a v1.0.0 // on a\n\texample.com/b v1.0.0\n\t// before paren\n) // after block\n\n// tail\n',
    want: '// head\n\n// about the module\nmodule m // suffix\n\nrequire ( // after paren\n\t// before a\n\texample.com/a v1.0.0 // on a\n\texample.com/b v1.0.0\n// before paren\n) // after block\n\n// tail\n',
  },
  {
    name: 'every directive, godebug, tool and ignore included',
    input:
      'module m\ngo 1.25.0\ntoolchain go1.26.0\ngodebug (\n\tpanicnil=1\n\tdefault=go1.21\n)\nrequire example.com/a v1.0.0\nexclude example.com/a v0.9.0\nreplace example.com/a v1.0.0 => example.com/fork v1.0.1\nretract v0.1.0\ntool (\n\texample.com/z/cmd\n\texample.com/a/cmd\n)\nignore (\n\t./web\n\tstatic\n)\n',
    want: 'module m\n\ngo 1.25.0\n\ntoolchain go1.26.0\n\ngodebug (\n\tdefault=go1.21\n\tpanicnil=1\n)\n\nrequire example.com/a v1.0.0\n\nexclude example.com/a v0.9.0\n\nreplace example.com/a v1.0.0 => example.com/fork v1.0.1\n\nretract v0.1.0\n\ntool (\n\texample.com/a/cmd\n\texample.com/z/cmd\n)\n\nignore (\n\t./web\n\tstatic\n)\n',
  },
];

export interface ErrorRow {
  name: string;
  input: string;
  line: number;
  column: number;
  /** A part of the reason. */
  reason: string;
  /** The same words appear in the go command's error, for the wire check. */
  goSays: string;
}

export const errorRows: ErrorRow[] = [
  {
    name: 'block comments',
    input: 'module m\n/* no */\n',
    line: 2,
    column: 1,
    reason: 'must use // comments',
    goSays: 'must use // comments',
  },
  {
    name: 'newline in a string',
    input: 'module "m\n',
    line: 1,
    column: 10,
    reason: 'unexpected newline in string',
    goSays: 'unexpected newline in string',
  },
  {
    name: 'EOF in a string',
    input: 'module "m',
    line: 1,
    column: 8,
    reason: 'unexpected EOF in string',
    goSays: 'unexpected EOF in string',
  },
  {
    name: 'unterminated block',
    input: 'module m\nrequire (\n\texample.com/a v1.0.0\n',
    line: 4,
    column: 1,
    reason: 'unterminated block started at go.mod:2:1',
    goSays: 'unterminated block started at',
  },
  {
    name: 'text after a closing paren',
    input: 'module m\nrequire (\n\texample.com/a v1.0.0\n) x\n',
    line: 4,
    column: 4,
    reason: 'expected newline after closing paren',
    goSays: 'expected newline after closing paren',
  },
  {
    name: 'unknown directive',
    input: 'module m\n\nfoo bar\n',
    line: 3,
    column: 1,
    reason: 'unknown directive: foo',
    goSays: 'unknown directive: foo',
  },
  {
    name: 'unknown block',
    input: 'module m\n\ngo (\n\t1.21\n)\n',
    line: 3,
    column: 1,
    reason: 'unknown block type: go',
    goSays: 'unknown block type: go',
  },
  {
    name: 'version not semver',
    input: 'module m\n\nrequire example.com/a 1.0.0\n',
    line: 3,
    column: 1,
    reason: 'require example.com/a: version "1.0.0" invalid: must be of the form v1.2.3',
    goSays: 'must be of the form v1.2.3',
  },
  {
    name: 'major version mismatch',
    input: 'module m\n\nrequire (\n\texample.com/a/v2 v1.0.0\n)\n',
    line: 4,
    column: 2,
    reason: 'require example.com/a/v2: version "v1.0.0" invalid: should be v2, not v1',
    goSays: 'should be v2, not v1',
  },
  {
    name: 'bad go version',
    input: 'module m\n\ngo 1.2x\n',
    line: 3,
    column: 1,
    reason: "invalid go version '1.2x'",
    goSays: 'invalid go version',
  },
  {
    name: 'bad toolchain',
    input: 'module m\n\ntoolchain 1.22\n',
    line: 3,
    column: 1,
    reason: "invalid toolchain version '1.22'",
    goSays: 'invalid toolchain version',
  },
  {
    name: 'repeated module',
    input: 'module m\nmodule n\n',
    line: 2,
    column: 1,
    reason: 'repeated module statement',
    goSays: 'repeated module statement',
  },
  {
    name: 'require without a version',
    input: 'module m\nrequire example.com/a\n',
    line: 2,
    column: 1,
    reason: 'usage: require module/path v1.2.3',
    goSays: 'usage: require module/path v1.2.3',
  },
  {
    name: 'replace without a version to a module',
    input: 'module m\nreplace example.com/a => example.com/b\n',
    line: 2,
    column: 1,
    reason: 'replacement module without version must be directory path',
    goSays: 'must be directory path',
  },
  {
    name: 'a control character',
    input: 'module m\n\u0001\n',
    line: 2,
    column: 1,
    reason: 'unexpected input character',
    goSays: 'unexpected input character',
  },
  {
    name: 'a byte-order mark (refused as Go refuses it, with what to do)',
    input: '\ufeffmodule m\n',
    line: 1,
    column: 1,
    reason: "unexpected input character '\\ufeff' (a byte-order mark: save the file as UTF-8 without it)",
    goSays: "unexpected input character '\\ufeff'",
  },
  {
    name: 'a vertical tab, shown as Go shows it',
    input: 'module m\n\v\n',
    line: 2,
    column: 1,
    reason: "unexpected input character '\\v'",
    goSays: "unexpected input character '\\v'",
  },
  {
    name: 'a no-break space, shown as Go shows it',
    input: 'module m\n\u00a0x\n',
    line: 2,
    column: 1,
    reason: "unexpected input character '\\u00a0'",
    goSays: "unexpected input character '\\u00a0'",
  },
  {
    name: 'a raw string where a path goes',
    input: 'module `m`\n',
    line: 1,
    column: 1,
    reason: 'invalid quoted string: unquoted string cannot contain quote',
    goSays: 'unquoted string cannot contain quote',
  },
  {
    name: 'godebug without =',
    input: 'module m\ngodebug panicnil\n',
    line: 2,
    column: 1,
    reason: 'usage: godebug key=value',
    goSays: 'usage: godebug key=value',
  },
  {
    name: 'retract junk',
    input: 'module m\nretract [v1.0.0 v1.1.0]\n',
    line: 2,
    column: 1,
    reason: "expected ',' after version",
    goSays: "expected ',' after version",
  },
];
