const importMetaUrl = require('url').pathToFileURL(__filename).href;
"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __export = (target, all) => {
  for (var name in all)
    __defProp(target, name, { get: all[name], enumerable: true });
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));
var __toCommonJS = (mod) => __copyProps(__defProp({}, "__esModule", { value: true }), mod);

// src/cli/gomod-cap.ts
var gomod_cap_exports = {};
__export(gomod_cap_exports, {
  bufferedStderr: () => bufferedStderr,
  main: () => main,
  parseArgs: () => parseArgs,
  writeAllSync: () => writeAllSync
});
module.exports = __toCommonJS(gomod_cap_exports);
var import_node_fs = require("node:fs");
var import_node_path2 = require("node:path");

// src/fs/atomic-write.ts
var fsSync = __toESM(require("node:fs"), 1);
var import_node_path = require("node:path");
function tempName(path) {
  const unique = `${process.pid}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  return (0, import_node_path.join)((0, import_node_path.dirname)(path), `.${(0, import_node_path.basename)(path)}.${unique}.tmp`);
}
function writeFileAtomicSync(path, data) {
  const dir = (0, import_node_path.dirname)(path);
  const tmp = tempName(path);
  let mode;
  try {
    mode = fsSync.statSync(path).mode & 4095;
  } catch (e) {
    if (e.code !== "ENOENT") throw e;
  }
  let fd;
  try {
    fd = fsSync.openSync(tmp, "wx", mode ?? 438);
    fsSync.writeFileSync(fd, data);
    if (mode !== void 0) fsSync.fchmodSync(fd, mode);
    fsSync.fsyncSync(fd);
    fsSync.closeSync(fd);
    fd = void 0;
    fsSync.renameSync(tmp, path);
  } catch (e) {
    if (fd !== void 0) {
      try {
        fsSync.closeSync(fd);
      } catch {
      }
    }
    fsSync.rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const d = fsSync.openSync(dir, "r");
    try {
      fsSync.fsyncSync(d);
    } finally {
      fsSync.closeSync(d);
    }
  } catch {
  }
}

// src/fs/problems.ts
function kindOf(st) {
  if (st.isFile()) return "a regular file";
  if (st.isDirectory()) return "a folder";
  if (st.isSymbolicLink()) return "a symlink";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  return "not a regular file";
}

// src/gomod/errors.ts
var EXCERPT_BYTES = 32;
var MAX_PROBLEMS = 5;
var MAX_REASON = 300;
function excerpt(bytes) {
  if (bytes.length <= EXCERPT_BYTES) return bytes;
  let cut = EXCERPT_BYTES;
  for (let k = 0; k < 3 && cut > 0 && (bytes.charCodeAt(cut) & 192) === 128; k++) cut--;
  return bytes.slice(0, cut) + "\xE2\x80\xA6";
}
var GoModError = class extends Error {
  file;
  line;
  column;
  reason;
  problems;
  total;
  constructor(file, problems) {
    const shown = (problems.length > 0 ? problems : [{ line: 0, column: 0, reason: "invalid go.mod" }]).slice(0, MAX_PROBLEMS).map((p) => ({
      ...p,
      reason: p.reason.length > MAX_REASON ? p.reason.slice(0, MAX_REASON) + "\u2026" : p.reason
    }));
    const total = Math.max(problems.length, 1);
    const lines = shown.map((p) => `${file}:${p.line}:${p.column}: ${p.reason}`);
    if (total > shown.length) lines.push(`${file}: ${total - shown.length} more problems not shown`);
    super(lines.join("\n"));
    const first = shown[0];
    this.name = "GoModError";
    this.file = file;
    this.line = first.line;
    this.column = first.column;
    this.reason = first.reason;
    this.problems = shown;
    this.total = total;
  }
};

// src/gomod/bytes.ts
var asLatin1 = (s) => s;
var RUNE_ERROR = 65533;
var ASCII = /^[^\u0080-\uffff]*$/;
var ESCAPED = /[\udc80-\udcff]/;
var latin1FromUtf8 = (text) => asLatin1(Buffer.from(text, "utf8").toString("latin1"));
function latin1FromText(text) {
  if (ASCII.test(text)) return asLatin1(text);
  if (!ESCAPED.test(text)) return latin1FromUtf8(text);
  let out = "";
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 56448 || c > 56575) continue;
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    if (prev >= 55296 && prev <= 56319) continue;
    out += latin1FromUtf8(text.slice(start, i)) + String.fromCharCode(c - 56320);
    start = i + 1;
  }
  return asLatin1(out + latin1FromUtf8(text.slice(start)));
}
function latin1FromArray(data) {
  return asLatin1(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("latin1"));
}
function arrayFromLatin1(bytes) {
  return Buffer.from(bytes, "latin1");
}
function lossyTextFromLatin1(bytes) {
  if (ASCII.test(bytes)) return bytes;
  return Buffer.from(bytes, "latin1").toString("utf8");
}
function decodeRune(s, i, end = s.length) {
  const n = end - i;
  if (n <= 0) return [RUNE_ERROR, 0];
  const c0 = s.charCodeAt(i);
  if (c0 < 128) return [c0, 1];
  if (c0 < 194 || c0 > 244) return [RUNE_ERROR, 1];
  const cont = (k) => {
    if (k >= n) return -1;
    const c = s.charCodeAt(i + k);
    return c >= 128 && c <= 191 ? c & 63 : -1;
  };
  if (c0 < 224) {
    const c12 = cont(1);
    return c12 < 0 ? [RUNE_ERROR, 1] : [(c0 & 31) << 6 | c12, 2];
  }
  if (c0 < 240) {
    if (n < 2) return [RUNE_ERROR, 1];
    const b12 = s.charCodeAt(i + 1);
    if (c0 === 224 && b12 < 160 || c0 === 237 && b12 > 159) return [RUNE_ERROR, 1];
    const c12 = cont(1);
    const c22 = cont(2);
    if (c12 < 0 || c22 < 0) return [RUNE_ERROR, 1];
    return [(c0 & 15) << 12 | c12 << 6 | c22, 3];
  }
  if (n < 2) return [RUNE_ERROR, 1];
  const b1 = s.charCodeAt(i + 1);
  if (c0 === 240 && b1 < 144 || c0 === 244 && b1 > 143) return [RUNE_ERROR, 1];
  const c1 = cont(1);
  const c2 = cont(2);
  const c3 = cont(3);
  if (c1 < 0 || c2 < 0 || c3 < 0) return [RUNE_ERROR, 1];
  return [(c0 & 7) << 18 | c1 << 12 | c2 << 6 | c3, 4];
}
function decodeLastRune(s, end) {
  if (end <= 0) return [RUNE_ERROR, 0];
  const last = s.charCodeAt(end - 1);
  if (last < 128) return [last, 1];
  const lim = Math.max(0, end - 4);
  let start = end - 1;
  while (start > lim && (s.charCodeAt(start) & 192) === 128) start--;
  const [r, size] = decodeRune(s, start, end);
  if (start + size !== end) return [RUNE_ERROR, 1];
  return [r, size];
}
function encodeRune(r) {
  if (r < 0 || r > 1114111 || r >= 55296 && r <= 57343) r = RUNE_ERROR;
  if (r < 128) return String.fromCharCode(r);
  if (r < 2048) return String.fromCharCode(192 | r >> 6, 128 | r & 63);
  if (r < 65536) {
    return String.fromCharCode(224 | r >> 12, 128 | r >> 6 & 63, 128 | r & 63);
  }
  return String.fromCharCode(
    240 | r >> 18,
    128 | r >> 12 & 63,
    128 | r >> 6 & 63,
    128 | r & 63
  );
}
function validUTF8(s) {
  if (ASCII.test(s)) return true;
  for (let i = 0; i < s.length; ) {
    const [r, size] = decodeRune(s, i);
    if (r === RUNE_ERROR && size === 1) return false;
    i += size;
  }
  return true;
}
function runeCount(s) {
  if (ASCII.test(s)) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; n++) i += decodeRune(s, i)[1];
  return n;
}
var printRE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
var spaceRE = new RegExp("^\\p{White_Space}$", "u");
function isPrint(r) {
  if (r < 128) return r >= 32 && r < 127;
  if (r > 1114111 || r >= 55296 && r <= 57343) return false;
  return printRE.test(String.fromCodePoint(r));
}
function isSpace(r) {
  if (r < 256) {
    return r === 32 || r >= 9 && r <= 13 || r === 133 || r === 160;
  }
  if (r > 1114111 || r >= 55296 && r <= 57343) return false;
  return spaceRE.test(String.fromCodePoint(r));
}
function trimSpace(s) {
  let start = 0;
  while (start < s.length) {
    const [r, size] = decodeRune(s, start);
    if (!isSpace(r)) break;
    start += size;
  }
  let end = s.length;
  while (end > start) {
    const [r, size] = decodeLastRune(s, end);
    if (!isSpace(r)) break;
    end -= size;
  }
  return s.slice(start, end);
}
function fields(s) {
  const out = [];
  let start = -1;
  for (let i = 0; i < s.length; ) {
    const [r, size] = decodeRune(s, i);
    if (isSpace(r)) {
      if (start >= 0) out.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) {
      start = i;
    }
    i += size;
  }
  if (start >= 0) out.push(s.slice(start));
  return out;
}

// src/gomod/semver.ts
function parseInt_(v) {
  if (v === "" || v[0] < "0" || v[0] > "9") return void 0;
  let i = 1;
  while (i < v.length && v[i] >= "0" && v[i] <= "9") i++;
  if (v[0] === "0" && i !== 1) return void 0;
  return [v.slice(0, i), v.slice(i)];
}
function isIdentChar(c) {
  return c >= "A" && c <= "Z" || c >= "a" && c <= "z" || c >= "0" && c <= "9" || c === "-";
}
function isBadNum(v) {
  return /^[0-9]+$/.test(v) && v.length > 1 && v[0] === "0";
}
function isNum(v) {
  return /^[0-9]*$/.test(v);
}
function parsePrerelease(v) {
  if (v === "" || v[0] !== "-") return void 0;
  let i = 1;
  let start = 1;
  while (i < v.length && v[i] !== "+") {
    if (!isIdentChar(v[i]) && v[i] !== ".") return void 0;
    if (v[i] === ".") {
      if (start === i || isBadNum(v.slice(start, i))) return void 0;
      start = i + 1;
    }
    i++;
  }
  if (start === i || isBadNum(v.slice(start, i))) return void 0;
  return [v.slice(0, i), v.slice(i)];
}
function parseBuild(v) {
  if (v === "" || v[0] !== "+") return void 0;
  let i = 1;
  let start = 1;
  while (i < v.length) {
    if (!isIdentChar(v[i]) && v[i] !== ".") return void 0;
    if (v[i] === ".") {
      if (start === i) return void 0;
      start = i + 1;
    }
    i++;
  }
  if (start === i) return void 0;
  return [v.slice(0, i), v.slice(i)];
}
var PLAIN = /^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$/;
function parse(v) {
  const m = PLAIN.exec(v);
  if (m) return { major: m[1], minor: m[2], patch: m[3], short: "", prerelease: "", build: "" };
  if (v === "" || v[0] !== "v") return void 0;
  const p = { major: "", minor: "", patch: "", short: "", prerelease: "", build: "" };
  let r = parseInt_(v.slice(1));
  if (!r) return void 0;
  [p.major, v] = r;
  if (v === "") return { ...p, minor: "0", patch: "0", short: ".0.0" };
  if (v[0] !== ".") return void 0;
  r = parseInt_(v.slice(1));
  if (!r) return void 0;
  [p.minor, v] = r;
  if (v === "") return { ...p, patch: "0", short: ".0" };
  if (v[0] !== ".") return void 0;
  r = parseInt_(v.slice(1));
  if (!r) return void 0;
  [p.patch, v] = r;
  if (v.length > 0 && v[0] === "-") {
    const pr = parsePrerelease(v);
    if (!pr) return void 0;
    [p.prerelease, v] = pr;
  }
  if (v.length > 0 && v[0] === "+") {
    const b = parseBuild(v);
    if (!b) return void 0;
    [p.build, v] = b;
  }
  if (v !== "") return void 0;
  return p;
}
function canonical(v) {
  if (PLAIN.test(v)) return v;
  const p = parse(v);
  if (!p) return "";
  if (p.build !== "") return v.slice(0, v.length - p.build.length);
  if (p.short !== "") return v + p.short;
  return v;
}
function major(v) {
  if (PLAIN.test(v)) return v.slice(0, v.indexOf("."));
  const p = parse(v);
  return p ? v.slice(0, 1 + p.major.length) : "";
}
function build(v) {
  if (PLAIN.test(v)) return "";
  return parse(v)?.build ?? "";
}
function compareInt(x, y) {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return x < y ? -1 : 1;
}
function comparePrerelease(x, y) {
  if (x === y) return 0;
  if (x === "") return 1;
  if (y === "") return -1;
  while (x !== "" && y !== "") {
    x = x.slice(1);
    y = y.slice(1);
    let i = x.indexOf(".");
    if (i < 0) i = x.length;
    const dx = x.slice(0, i);
    x = x.slice(i);
    let j = y.indexOf(".");
    if (j < 0) j = y.length;
    const dy = y.slice(0, j);
    y = y.slice(j);
    if (dx !== dy) {
      const ix = isNum(dx);
      const iy = isNum(dy);
      if (ix !== iy) return ix ? -1 : 1;
      if (ix && dx.length !== dy.length) return dx.length < dy.length ? -1 : 1;
      return dx < dy ? -1 : 1;
    }
  }
  return x === "" ? -1 : 1;
}
function compare(v, w) {
  const pv = parse(v);
  const pw = parse(w);
  if (!pv && !pw) return 0;
  if (!pv) return -1;
  if (!pw) return 1;
  return compareInt(pv.major, pw.major) || compareInt(pv.minor, pw.minor) || compareInt(pv.patch, pw.patch) || comparePrerelease(pv.prerelease, pw.prerelease);
}

// src/gomod/module.ts
function canonicalVersion(v) {
  let cv = canonical(v);
  if (build(v) === "+incompatible") cv += "+incompatible";
  return cv;
}
function splitPathVersion(path) {
  if (path.startsWith("gopkg.in/")) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  while (i > 0 && (path[i - 1] >= "0" && path[i - 1] <= "9" || path[i - 1] === ".")) {
    if (path[i - 1] === ".") dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== "v" || path[i - 2] !== "/") return [path, "", true];
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === "0" || pathMajor === "/v1") return [path, "", false];
  return [prefix, pathMajor, true];
}
function splitGopkgIn(path) {
  let i = path.length;
  if (path.endsWith("-unstable")) i -= "-unstable".length;
  while (i > 0 && path[i - 1] >= "0" && path[i - 1] <= "9") i--;
  if (i <= 1 || path[i - 1] !== "v" || path[i - 2] !== ".") return [path, "", false];
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || pathMajor[2] === "0" && pathMajor !== ".v0") return [path, "", false];
  return [prefix, pathMajor, true];
}
function checkPathMajor(v, pathMajor) {
  if (pathMajor.startsWith(".v") && pathMajor.endsWith("-unstable")) {
    pathMajor = pathMajor.slice(0, -"-unstable".length);
  }
  if (v.startsWith("v0.0.0-") && pathMajor === ".v1") return void 0;
  const m = major(v);
  if (pathMajor === "") {
    if (m === "v0" || m === "v1" || build(v) === "+incompatible") return void 0;
    pathMajor = "v0 or v1";
  } else if (pathMajor[0] === "/" || pathMajor[0] === ".") {
    if (m === pathMajor.slice(1)) return void 0;
    pathMajor = pathMajor.slice(1);
  }
  return `version "${excerpt(v)}" invalid: should be ${pathMajor}, not ${major(v)}`;
}
var badWindowsNames = ["CON", "PRN", "AUX", "NUL"];
for (let i = 1; i <= 9; i++) badWindowsNames.push(`COM${i}`, `LPT${i}`);
function importPathOK(r) {
  return r >= 48 && r <= 57 || r >= 65 && r <= 90 || r >= 97 && r <= 122 || r === 45 || r === 46 || r === 95 || r === 126 || r === 43;
}
function checkElem(elem) {
  if (elem === "") return "empty path element";
  if (/^\.*$/.test(elem)) return `invalid path element "${elem}"`;
  if (elem.endsWith(".")) return "trailing dot in path element";
  for (let i = 0; i < elem.length; ) {
    const c = elem.charCodeAt(i);
    const [r, size] = c < 128 ? [c, 1] : decodeRune(elem, i);
    if (!importPathOK(r)) return `invalid char ${JSON.stringify(String.fromCodePoint(r))}`;
    i += size;
  }
  let short = elem;
  const dot = short.indexOf(".");
  if (dot >= 0) short = short.slice(0, dot);
  if (short.length <= 4 && badWindowsNames.includes(short.toUpperCase())) {
    return `"${short}" disallowed as path element component on Windows`;
  }
  const tilde = short.lastIndexOf("~");
  if (tilde >= 0 && tilde < short.length - 1 && /^[0-9]+$/.test(short.slice(tilde + 1))) {
    return "trailing tilde and digits in path element";
  }
  return void 0;
}
var PLAIN_PATH = /^[0-9A-Za-z_+](?:[0-9A-Za-z._+-]*[0-9A-Za-z_+-])?(?:\/[0-9A-Za-z_+-](?:[0-9A-Za-z._+-]*[0-9A-Za-z_+-])?)*$/;
var WINDOWS_NAME = /(?:^|\/)(?:con|prn|aux|nul|com[1-9]|lpt[1-9])(?:[./]|$)/i;
function checkImportPath(path) {
  if (PLAIN_PATH.test(path) && !WINDOWS_NAME.test(path)) return void 0;
  return checkImportPathSlow(path);
}
function checkImportPathSlow(path) {
  const reason = (() => {
    if (!validUTF8(path)) return "invalid UTF-8";
    if (path === "") return "empty string";
    if (path[0] === "-") return "leading dash";
    if (path.includes("//")) return "double slash";
    if (path.endsWith("/")) return "trailing slash";
    for (const elem of path.split("/")) {
      const err = checkElem(elem);
      if (err) return err;
    }
    return void 0;
  })();
  return reason === void 0 ? void 0 : `malformed import path "${path}": ${reason}`;
}

// src/gomod/print.ts
var Printer = class {
  /** Finished lines, without their newlines. */
  done = [];
  /** The current line. */
  cur = "";
  pending = [];
  margin = 0;
  /** The output so far. */
  text() {
    return this.done.length === 0 ? this.cur : this.done.join("\n") + "\n" + this.cur;
  }
  /** Ends the current line (writes a newline). */
  nl() {
    this.done.push(this.cur);
    this.cur = "";
  }
  tabs() {
    if (this.margin > 0) this.cur += "	".repeat(this.margin);
  }
  /** Ends the current line, flushing end-of-line comments. */
  newline() {
    if (this.pending.length > 0) {
      this.cur += " ";
      this.pending.forEach((com, i) => {
        if (i > 0) {
          this.trim();
          this.nl();
          this.tabs();
        }
        this.cur += trimSpace(com.token);
      });
      this.pending = [];
    }
    this.trim();
    const d = this.done;
    const empty = d.length === 0 && this.cur === "";
    const afterBlank = this.cur === "" && d.length >= 2 && d[d.length - 1] === "";
    if (!(empty || afterBlank)) this.nl();
    this.tabs();
  }
  /** Removes trailing spaces and tabs from the current line. */
  trim() {
    const s = this.cur;
    let n = s.length;
    while (n > 0 && (s.charCodeAt(n - 1) === 9 || s.charCodeAt(n - 1) === 32)) n--;
    if (n < s.length) this.cur = s.slice(0, n);
  }
  file(f) {
    for (const com of f.com.before) {
      this.cur += trimSpace(com.token);
      this.newline();
    }
    f.stmt.forEach((stmt, i) => {
      this.expr(stmt);
      if (stmt.kind !== "comments") this.newline();
      for (const com of stmt.com.after) {
        this.cur += trimSpace(com.token);
        this.newline();
      }
      if (i + 1 < f.stmt.length) this.newline();
    });
  }
  expr(x) {
    const before = x.com.before;
    if (before.length > 0) {
      this.trim();
      if (this.cur.length > 0) this.nl();
      this.tabs();
      for (const com of before) {
        this.cur += trimSpace(com.token);
        this.newline();
      }
    }
    switch (x.kind) {
      case "comments":
        break;
      case "lparen":
        this.cur += "(";
        break;
      case "rparen":
        this.cur += ")";
        break;
      case "line":
        this.tokens(x.token);
        break;
      case "block":
        this.tokens(x.token);
        this.cur += " ";
        this.expr(x.lparen);
        this.margin++;
        for (const l of x.line) {
          this.newline();
          this.expr(l);
        }
        this.margin--;
        this.newline();
        this.expr(x.rparen);
        break;
      case "file":
        throw new Error("printer: unexpected file expression");
    }
    for (const com of x.com.suffix) this.pending.push(com);
  }
  tokens(tokens) {
    let sep = "";
    for (const t of tokens) {
      if (t === "," || t === ")" || t === "]" || t === "}") sep = "";
      this.cur += sep + t;
      sep = " ";
      if (t === "(" || t === "[" || t === "{") sep = "";
    }
  }
};
function formatSyntax(f) {
  const p = new Printer();
  p.file(f);
  const b = p.text();
  let n = b.length;
  while (n > 0 && b.charCodeAt(n - 1) === 10 && (n === 1 || b.charCodeAt(n - 2) === 10)) n--;
  return asLatin1(n === b.length ? b : b.slice(0, n));
}

// src/gomod/syntax.ts
var ZERO_POS = Object.freeze({ line: 0, lineRune: 0, byte: 0 });
var zeroPos = () => ZERO_POS;
var CommentNode = class {
  constructor(token, suffix, line, lineRune, byte) {
    this.token = token;
    this.suffix = suffix;
    this.line = line;
    this.lineRune = lineRune;
    this.byte = byte;
  }
  token;
  suffix;
  line;
  lineRune;
  byte;
  get start() {
    return { line: this.line, lineRune: this.lineRune, byte: this.byte };
  }
  /** start.byte, without making the position. */
  get startByte() {
    return this.byte;
  }
};
var NONE = Object.freeze([]);
var NO_COMMENTS = Object.freeze({ before: NONE, suffix: NONE, after: NONE });
var newComments = () => ({ before: NONE, suffix: NONE, after: NONE });
var noComments = () => NO_COMMENTS;
function ownComments(x) {
  if (x.com === NO_COMMENTS) x.com = newComments();
  return x.com;
}
function addComment(x, list, c) {
  const com = ownComments(x);
  const l = com[list];
  if (l === NONE) com[list] = [c];
  else l.push(c);
}
var LineNode = class {
  constructor(com, token, inBlock, start, endLine, endRune, endByte) {
    this.com = com;
    this.token = token;
    this.inBlock = inBlock;
    this.startLine = start.line;
    this.startRune = start.lineRune;
    this.startByte = start.byte;
    this.endLine = endLine;
    this.endRune = endRune;
    this.endByte = endByte;
  }
  com;
  token;
  inBlock;
  kind = "line";
  startLine;
  startRune;
  startByte;
  endLine;
  endRune;
  endByte;
  capOrder = void 0;
  capBlock = void 0;
  get start() {
    return { line: this.startLine, lineRune: this.startRune, byte: this.startByte };
  }
  set start(p) {
    this.startLine = p.line;
    this.startRune = p.lineRune;
    this.startByte = p.byte;
  }
  get end() {
    return { line: this.endLine, lineRune: this.endRune, byte: this.endByte };
  }
  set end(p) {
    this.endLine = p.line;
    this.endRune = p.lineRune;
    this.endByte = p.byte;
  }
  /** The end byte of span(this) when it is on one line, else -1 (without making positions). */
  singleLineEnd() {
    return this.startLine === this.endLine ? this.endByte : -1;
  }
};
function newLine(token, inBlock = false) {
  return new LineNode(newComments(), token, inBlock, zeroPos(), 0, 0, 0);
}
function newBlock(token) {
  return {
    kind: "block",
    com: newComments(),
    start: zeroPos(),
    lparen: { kind: "lparen", com: newComments(), pos: zeroPos() },
    token,
    line: [],
    rparen: { kind: "rparen", com: newComments(), pos: zeroPos() }
  };
}
function spanStart(x) {
  switch (x.kind) {
    case "file":
      return x.stmt.length === 0 ? zeroPos() : spanStart(x.stmt[0]);
    case "lparen":
    case "rparen":
      return x.pos;
    default:
      return x.start;
  }
}

// src/gomod/read.ts
var EOF = -1;
var EOLCOMMENT = -2;
var IDENT = -3;
var STRING = -4;
var COMMENT = -5;
var NL = 10;
var LPAREN = 40;
var RPAREN = 41;
var isComment = (k) => k === COMMENT || k === EOLCOMMENT;
var isEOL = (k) => k === EOF || k === EOLCOMMENT || k === NL;
function singleLineEnd(x) {
  switch (x.kind) {
    case "line":
      if (x instanceof LineNode) return x.singleLineEnd();
      return x.start.line === x.end.line ? x.end.byte : -1;
    case "block":
      return x.start.line === x.rparen.pos.line ? x.rparen.pos.byte + 1 : -1;
    case "lparen":
    case "rparen":
      return x.pos.byte + 1;
    case "comments":
      return x.start.byte;
    case "file":
      return -1;
  }
}
var startByte = (c) => c instanceof CommentNode ? c.startByte : c.start.byte;
var Abort = class {
  constructor(error) {
    this.error = error;
  }
  error;
};
function isIdent(c) {
  switch (c) {
    case 32:
    case 40:
    case 41:
    case 91:
    case 93:
    case 123:
    case 125:
    case 44:
      return false;
    default:
      return !isSpace(c) && isPrint(c);
  }
}
function describeRune(c) {
  const named = { 7: "a", 8: "b", 9: "t", 10: "n", 11: "v", 12: "f", 13: "r" };
  const hex2 = (width) => c.toString(16).padStart(width, "0");
  if (named[c] !== void 0) return `'\\${named[c]}'`;
  if (c < 32 || c === 127) return `'\\x${hex2(2)}'`;
  if (c >= 32 && c < 127) return `'${String.fromCharCode(c)}'`;
  if (c < 65536) return `'\\u${hex2(4)}'`;
  return `'\\U${hex2(8)}'`;
}
var BOM_ADVICE = " (a byte-order mark: save the file as UTF-8 without it)";
var ASCII_IDENT = new Uint8Array(128);
for (let c = 33; c < 127; c++) ASCII_IDENT[c] = isIdent(c) ? 1 : 0;
var SLASH = 47;
var STAR = 42;
var Input = class {
  constructor(filename, complete) {
    this.filename = filename;
    this.complete = complete;
  }
  filename;
  complete;
  // The position of the remaining input: byte offset, line (from 1) and rune in the line (from 1).
  off = 0;
  line = 1;
  lineRune = 1;
  tokenStart = 0;
  // The current token, in fields rather than an object per token (a large file has millions):
  // its kind, text, and start and end positions.
  tKind = EOF;
  tText = asLatin1("");
  tLine = 1;
  tRune = 1;
  tByte = 0;
  tEndLine = 1;
  tEndRune = 1;
  tEndByte = 0;
  /** Tokens of the line being parsed; each line gets an exact-size copy. */
  lineTokens = [];
  comments = [];
  file;
  pre = [];
  post = [];
  parse() {
    this.readToken();
    this.parseFile();
    this.file.name = this.filename;
    this.assignComments();
    return this.file;
  }
  error(msg) {
    throw new Abort(new GoModError(this.filename, [{ line: this.line, column: this.lineRune, reason: msg }]));
  }
  here() {
    return { line: this.line, lineRune: this.lineRune, byte: this.off };
  }
  eof() {
    return this.off >= this.complete.length;
  }
  peekRune() {
    if (this.eof()) return 0;
    const c = this.complete.charCodeAt(this.off);
    return c < 128 ? c : decodeRune(this.complete, this.off)[0];
  }
  /** Whether the input continues with a slash and then c (`//` or `/*`). */
  peekSlash(c) {
    return this.complete.charCodeAt(this.off) === SLASH && this.complete.charCodeAt(this.off + 1) === c;
  }
  readRune() {
    if (this.eof()) this.error("internal lexer error: readRune at EOF");
    const c = this.complete.charCodeAt(this.off);
    const [r, size] = c < 128 ? [c, 1] : decodeRune(this.complete, this.off);
    this.off += size;
    if (r === NL) {
      this.line++;
      this.lineRune = 1;
    } else {
      this.lineRune++;
    }
    return r;
  }
  startToken() {
    this.tokenStart = this.off;
    this.tKind = EOF;
    this.tText = asLatin1("");
    this.tLine = this.line;
    this.tRune = this.lineRune;
    this.tByte = this.off;
  }
  /** The current token as a comment. */
  newComment(suffix) {
    return new CommentNode(this.tText, suffix, this.tLine, this.tRune, this.tByte);
  }
  /** The start of the current token. */
  tokPos() {
    return { line: this.tLine, lineRune: this.tRune, byte: this.tByte };
  }
  endToken(kind) {
    this.tKind = kind;
    let text = this.complete.slice(this.tokenStart, this.off);
    if (isComment(kind)) {
      if (text.endsWith("\r\n")) text = text.slice(0, -2);
      else if (text.endsWith("\n")) text = text.slice(0, -1);
    }
    this.tText = asLatin1(text);
    this.tEndLine = this.line;
    this.tEndRune = this.lineRune;
    this.tEndByte = this.off;
  }
  peek() {
    return this.tKind;
  }
  /** Moves on to the next token (Go's lex, without returning the current one: read it first). */
  lex() {
    this.readToken();
  }
  /** Whether only spaces come between the start of the current line and the offset. */
  onlySpaceBefore() {
    const s = this.complete;
    let i = this.off - 1;
    for (; i >= 0; i--) {
      const c = s.charCodeAt(i);
      if (c === NL) return true;
      if (c >= 128) break;
      if (!(c === 32 || c >= 9 && c <= 13)) return false;
    }
    if (i < 0) return true;
    const nl = s.lastIndexOf("\n", i);
    return trimSpace(s.slice(nl + 1, this.off)).length === 0;
  }
  readToken() {
    const s = this.complete;
    while (!this.eof()) {
      const c2 = s.charCodeAt(this.off);
      if (c2 === 32 || c2 === 9 || c2 === 13) {
        this.off++;
        this.lineRune++;
        continue;
      }
      if (c2 === SLASH && this.peekSlash(SLASH)) {
        this.startToken();
        const suffix = this.off > 0 && !this.onlySpaceBefore();
        const nl = s.indexOf("\n", this.off);
        if (nl < 0) {
          this.lineRune += runeCount(s.slice(this.off));
          this.off = s.length;
        } else {
          this.off = nl + 1;
          this.line++;
          this.lineRune = 1;
        }
        if (!suffix) {
          this.endToken(COMMENT);
          return;
        }
        this.endToken(EOLCOMMENT);
        this.comments.push(this.newComment(suffix));
        return;
      }
      if (c2 === SLASH && this.peekSlash(STAR))
        this.error("mod files must use // comments (not /* */ comments)");
      break;
    }
    this.startToken();
    if (this.eof()) {
      this.endToken(EOF);
      return;
    }
    const c = this.peekRune();
    switch (c) {
      case NL:
      case LPAREN:
      case RPAREN:
      case 91:
      case 93:
      case 123:
      case 125:
      case 44:
        this.readRune();
        this.endToken(c);
        return;
      case 34:
      case 96: {
        const quote2 = c;
        this.readRune();
        for (; ; ) {
          if (this.eof()) {
            this.restore(this.tokPos());
            this.error("unexpected EOF in string");
          }
          if (this.peekRune() === NL) this.error("unexpected newline in string");
          const r = this.readRune();
          if (r === quote2) break;
          if (r === 92 && quote2 !== 96) {
            if (this.eof()) {
              this.restore(this.tokPos());
              this.error("unexpected EOF in string");
            }
            this.readRune();
          }
        }
        this.endToken(STRING);
        return;
      }
    }
    if (!isIdent(c)) {
      this.error(`unexpected input character ${describeRune(c)}${c === 65279 ? BOM_ADVICE : ""}`);
    }
    for (; ; ) {
      const a = s.charCodeAt(this.off);
      if (a < 128) {
        if (ASCII_IDENT[a] !== 1) break;
        if (a === SLASH) {
          if (this.peekSlash(SLASH)) break;
          if (this.peekSlash(STAR)) this.error("mod files must use // comments (not /* */ comments)");
        }
        this.off++;
        this.lineRune++;
        continue;
      }
      if (Number.isNaN(a) || !isIdent(this.peekRune())) break;
      this.readRune();
    }
    this.endToken(IDENT);
  }
  restore(p) {
    this.off = p.byte;
    this.line = p.line;
    this.lineRune = p.lineRune;
  }
  // Comment assignment: whole-line comments go to the syntax right after them (preorder),
  // end-of-line comments to the syntax right before them (postorder).
  order(x) {
    this.pre.push(x);
    switch (x.kind) {
      case "file":
        for (const stmt of x.stmt) this.order(stmt);
        break;
      case "block":
        this.order(x.lparen);
        for (const l of x.line) this.order(l);
        this.order(x.rparen);
        break;
      default:
        break;
    }
    this.post.push(x);
  }
  assignComments() {
    const line = [];
    const suffix = [];
    for (const com of this.comments) (com.suffix ? suffix : line).push(com);
    if (line.length === 0 && suffix.length === 0) return;
    this.order(this.file);
    let li = 0;
    for (const x of this.pre) {
      if (li >= line.length) break;
      const start = spanStart(x);
      while (li < line.length && start.byte >= startByte(line[li])) {
        addComment(x, "before", line[li]);
        li++;
      }
    }
    for (; li < line.length; li++) addComment(this.file, "after", line[li]);
    for (let i = this.post.length - 1; i >= 0; i--) {
      const x = this.post[i];
      if (x.kind === "file") continue;
      if (suffix.length === 0) break;
      const end = singleLineEnd(x);
      if (end < 0) continue;
      while (suffix.length > 0 && end <= startByte(suffix[suffix.length - 1])) {
        addComment(x, "suffix", suffix.pop());
      }
    }
    for (const x of this.post) if (x.com.suffix.length > 1) x.com.suffix.reverse();
    for (const com of suffix) addComment(this.file, "before", com);
  }
  parseFile() {
    this.file = { kind: "file", name: "", com: newComments(), stmt: [] };
    let cb;
    for (; ; ) {
      switch (this.peek()) {
        case NL:
          this.lex();
          if (cb) {
            this.file.stmt.push(cb);
            cb = void 0;
          }
          break;
        case COMMENT: {
          const start = this.tokPos();
          cb ??= { kind: "comments", com: newComments(), start };
          addComment(cb, "before", this.newComment(false));
          this.lex();
          break;
        }
        case EOF:
          if (cb) this.file.stmt.push(cb);
          return;
        default:
          this.parseStmt();
          if (cb) {
            ownComments(this.file.stmt[this.file.stmt.length - 1]).before = cb.com.before;
            cb = void 0;
          }
      }
    }
  }
  /** The end of the last token taken into a line, as a position. */
  endLine = 0;
  endRune = 0;
  endByte = 0;
  /** Takes the current token into the line being parsed. */
  take() {
    this.lineTokens.push(this.tText);
    this.endLine = this.tEndLine;
    this.endRune = this.tEndRune;
    this.endByte = this.tEndByte;
    this.lex();
  }
  /** A parsed line, ending where the last token taken ended. */
  newLine(start, tokens, inBlock) {
    return new LineNode(noComments(), tokens, inBlock, start, this.endLine, this.endRune, this.endByte);
  }
  parseStmt() {
    const start = this.tokPos();
    const tokens = this.lineTokens;
    tokens.length = 0;
    this.take();
    for (; ; ) {
      const kind = this.tKind;
      if (isEOL(kind)) {
        this.lex();
        this.file.stmt.push(this.newLine(start, tokens.slice(), false));
        return;
      }
      if (kind === LPAREN) {
        const lparen = this.tokPos();
        const lparenText = this.tText;
        this.lex();
        const next = this.peek();
        if (isEOL(next)) {
          this.file.stmt.push(this.parseLineBlock(start, tokens.slice(), lparen));
          return;
        } else if (next === RPAREN) {
          const rparen = this.tokPos();
          const rparenText = this.tText;
          this.lex();
          if (isEOL(this.peek())) {
            this.lex();
            const block = newBlock(tokens.slice());
            block.start = start;
            block.lparen.pos = lparen;
            block.rparen.pos = rparen;
            this.file.stmt.push(block);
            return;
          }
          tokens.push(lparenText, rparenText);
        } else {
          tokens.push(lparenText);
        }
        continue;
      }
      this.take();
    }
  }
  parseLineBlock(start, token, lparen) {
    const x = newBlock(token);
    x.start = start;
    x.lparen.pos = lparen;
    let comments = [];
    for (; ; ) {
      switch (this.peek()) {
        case EOLCOMMENT:
          this.lex();
          break;
        case NL:
          this.lex();
          if (comments.length === 0 && x.line.length > 0 || comments.length > 0 && comments[comments.length - 1].token !== "") {
            comments.push({ start: zeroPos(), token: asLatin1(""), suffix: false });
          }
          break;
        case COMMENT: {
          comments.push(this.newComment(false));
          this.lex();
          break;
        }
        case EOF:
          this.error(
            `syntax error (unterminated block started at ${this.filename}:${x.start.line}:${x.start.lineRune})`
          );
          break;
        case RPAREN: {
          const rparen = this.tokPos();
          this.lex();
          if (comments.length === 1 && comments[0].token === "") comments = [];
          if (comments.length > 0) x.rparen.com.before = comments;
          x.rparen.pos = rparen;
          if (!isEOL(this.peek())) this.error("syntax error (expected newline after closing paren)");
          this.lex();
          return x;
        }
        default: {
          const l = this.parseLine();
          x.line.push(l);
          if (comments.length > 0) {
            ownComments(l).before = comments;
            comments = [];
          }
        }
      }
    }
  }
  parseLine() {
    if (isEOL(this.tKind)) this.error("internal parse error: parseLine at end of line");
    const start = this.tokPos();
    const tokens = this.lineTokens;
    tokens.length = 0;
    this.take();
    for (; ; ) {
      if (isEOL(this.tKind)) {
        this.lex();
        return this.newLine(start, tokens.slice(), true);
      }
      this.take();
    }
  }
  /** The position for internal errors. */
  where() {
    return this.here();
  }
};
function parseSyntax(file, data) {
  const input = new Input(file, data);
  try {
    return input.parse();
  } catch (e) {
    if (e instanceof Abort) throw e.error;
    const p = input.where();
    throw new GoModError(file, [
      {
        line: p.line,
        column: p.lineRune,
        reason: `internal error: ${e instanceof Error ? e.message : String(e)}`
      }
    ]);
  }
}

// src/gomod/strconv.ts
var UnquoteError = class extends Error {
  constructor() {
    super("invalid syntax");
  }
};
function unhex(c) {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 97 + 10;
  if (c >= 65 && c <= 70) return c - 65 + 10;
  return -1;
}
var simpleEscapes = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11 };
function unquoteChar(s, quote2) {
  if (s.length === 0) throw new UnquoteError();
  const c = s.charCodeAt(0);
  if (s[0] === quote2 && (quote2 === "'" || quote2 === '"')) throw new UnquoteError();
  if (c >= 128) {
    const [r, size] = decodeRune(s, 0);
    return [r, true, s.slice(size)];
  }
  if (s[0] !== "\\") return [c, false, s.slice(1)];
  if (s.length <= 1) throw new UnquoteError();
  const e = s[1];
  s = s.slice(2);
  const simple = simpleEscapes[e];
  if (simple !== void 0) return [simple, false, s];
  if (e === "x" || e === "u" || e === "U") {
    const n = e === "x" ? 2 : e === "u" ? 4 : 8;
    if (s.length < n) throw new UnquoteError();
    let v = 0;
    for (let j = 0; j < n; j++) {
      const x = unhex(s.charCodeAt(j));
      if (x < 0) throw new UnquoteError();
      v = v * 16 + x;
    }
    s = s.slice(n);
    if (e === "x") return [v, false, s];
    if (v > 1114111 || v >= 55296 && v <= 57343) throw new UnquoteError();
    return [v, true, s];
  }
  if (e >= "0" && e <= "7") {
    let v = e.charCodeAt(0) - 48;
    if (s.length < 2) throw new UnquoteError();
    for (let j = 0; j < 2; j++) {
      const x = s.charCodeAt(j) - 48;
      if (x < 0 || x > 7) throw new UnquoteError();
      v = v << 3 | x;
    }
    s = s.slice(2);
    if (v > 255) throw new UnquoteError();
    return [v, false, s];
  }
  if (e === "\\") return [92, false, s];
  if (e === "'" || e === '"') {
    if (e !== quote2) throw new UnquoteError();
    return [e.charCodeAt(0), false, s];
  }
  throw new UnquoteError();
}
function unquote(input) {
  if (input.length < 2) throw new UnquoteError();
  const quote2 = input[0];
  const endIdx = input.indexOf(quote2, 1);
  if (endIdx < 0) throw new UnquoteError();
  const end = endIdx + 1;
  if (quote2 === "`") {
    if (end !== input.length) throw new UnquoteError();
    return input.slice(1, end - 1).replace(/\r/g, "");
  }
  if (quote2 !== '"' && quote2 !== "'") throw new UnquoteError();
  const head = input.slice(0, end);
  if (!head.includes("\\") && !head.includes("\n")) {
    let valid;
    if (quote2 === '"') {
      valid = validUTF8(input.slice(1, end - 1));
    } else {
      const body = input.slice(1, end - 1);
      const [r, n] = decodeRune(body, 0);
      valid = 2 + n === end && (r !== RUNE_ERROR || n !== 1);
    }
    if (valid) {
      if (end !== input.length) throw new UnquoteError();
      return input.slice(1, end - 1);
    }
  }
  let rest = input.slice(1);
  let out = "";
  while (rest.length > 0 && rest[0] !== quote2) {
    if (rest[0] === "\n") throw new UnquoteError();
    const [r, multibyte, tail] = unquoteChar(rest, quote2);
    rest = tail;
    out += r < 128 || !multibyte ? String.fromCharCode(r) : encodeRune(r);
    if (quote2 === "'") break;
  }
  if (!(rest.length > 0 && rest[0] === quote2)) throw new UnquoteError();
  rest = rest.slice(1);
  if (rest.length > 0) throw new UnquoteError();
  return out;
}
var hex = "0123456789abcdef";
function hexN(v, n) {
  let s = "";
  for (let i = n - 1; i >= 0; i--) s += hex[v >>> 4 * i & 15];
  return s;
}
function quote(s) {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    let r = s.charCodeAt(i);
    let width = 1;
    if (r >= 128) [r, width] = decodeRune(s, i);
    if (width === 1 && r === RUNE_ERROR) {
      out += "\\x" + hexN(s.charCodeAt(i), 2);
      i += 1;
      continue;
    }
    i += width;
    if (r === 34 || r === 92) {
      out += "\\" + String.fromCharCode(r);
      continue;
    }
    if (isPrint(r)) {
      out += encodeRune(r);
      continue;
    }
    switch (r) {
      case 7:
        out += "\\a";
        break;
      case 8:
        out += "\\b";
        break;
      case 12:
        out += "\\f";
        break;
      case 10:
        out += "\\n";
        break;
      case 13:
        out += "\\r";
        break;
      case 9:
        out += "\\t";
        break;
      case 11:
        out += "\\v";
        break;
      default:
        if (r < 32 || r === 127) out += "\\x" + hexN(r, 2);
        else if (r < 65536) out += "\\u" + hexN(r, 4);
        else out += "\\U" + hexN(r, 8);
    }
  }
  return out + '"';
}

// src/gomod/modfile.ts
var GO_VERSION_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;
var TOOLCHAIN_RE = /^default$|^go1($|\.)/;
var ASCII_PLAIN = new Uint8Array(128);
for (let c = 33; c < 127; c++) ASCII_PLAIN[c] = "\"'`()[]{},".includes(String.fromCharCode(c)) ? 0 : 1;
function mustQuote(s) {
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c > 32 && c < 127 && ASCII_PLAIN[c] === 1) {
      i++;
      continue;
    }
    const [r, size] = decodeRune(s, i);
    i += size;
    switch (r) {
      case 32:
      case 34:
      case 39:
      case 96:
        return true;
      case 40:
      case 41:
      case 91:
      case 93:
      case 123:
      case 125:
      case 44:
        if (s.length > 1) return true;
        break;
      default:
        if (!isPrint(r)) return true;
    }
  }
  return s === "" || s.includes("//") || s.includes("/*");
}
function autoQuote(s) {
  return mustQuote(s) ? asLatin1(quote(s)) : s;
}
function isDirectoryPath(ns) {
  return ns === "." || ns.startsWith("./") || ns.startsWith(".\\") || ns === ".." || ns.startsWith("../") || ns.startsWith("..\\") || ns.startsWith("/") || ns.startsWith("\\") || ns.length >= 2 && /^[A-Za-z]$/.test(ns[0]) && ns[1] === ":";
}
function isIndirect(line) {
  const first = line.com.suffix[0];
  if (!first) return false;
  const f = fields(first.token.startsWith("//") ? first.token.slice(2) : first.token);
  return f.length === 1 && f[0] === "indirect" || f.length > 1 && f[0] === "indirect;";
}
var DirectiveError = class {
  constructor(reason, verb = "", modPath = "") {
    this.reason = reason;
    this.verb = verb;
    this.modPath = modPath;
  }
  reason;
  verb;
  modPath;
  text() {
    const directive = this.modPath !== "" ? `${this.verb} ${excerpt(this.modPath)}: ` : this.verb !== "" ? `${this.verb}: ` : "";
    return directive + this.reason;
  }
};
var goQuote = (b) => lossyTextFromLatin1(asLatin1(quote(b)));
var invalidVersion = (version, why) => `version ${goQuote(excerpt(version))} invalid: ${why}`;
var Args = class _Args {
  constructor(line, offset) {
    this.line = line;
    this.offset = offset;
  }
  line;
  offset;
  get length() {
    return this.line.token.length - this.offset;
  }
  get(i) {
    return this.line.token[this.offset + i];
  }
  set(i, v) {
    this.line.token[this.offset + i] = v;
  }
  from(i) {
    return new _Args(this.line, this.offset + i);
  }
};
function parseString(args, i) {
  let t = args.get(i);
  if (t.startsWith('"')) {
    t = asLatin1(unquote(t));
  } else if (/["'`]/.test(t)) {
    throw new Error("unquoted string cannot contain quote");
  }
  args.set(i, autoQuote(t));
  return t;
}
function errText(e) {
  return e instanceof Error ? e.message : String(e);
}
function parseVersion(verb, path, args, i, keepAsIs) {
  let t;
  try {
    t = parseString(args, i);
  } catch (e) {
    throw new DirectiveError(invalidVersion(args.get(i), errText(e)), verb, path);
  }
  if (!keepAsIs) {
    const cv = canonicalVersion(t);
    if (cv === "") throw new DirectiveError(invalidVersion(t, "must be of the form v1.2.3"), verb, path);
    t = asLatin1(cv);
  }
  args.set(i, t);
  return t;
}
function modulePathMajor(path) {
  const [, major2, ok] = splitPathVersion(path);
  if (!ok) throw new DirectiveError("invalid module path");
  return major2;
}
function parseDirectiveComment(block, line) {
  let comments = line.com;
  if (block && comments.before.length === 0 && comments.suffix.length === 0) comments = block.com;
  const lines = [];
  for (const c of [...comments.before, ...comments.suffix]) {
    if (!c.token.startsWith("//")) continue;
    lines.push(trimSpace(c.token.slice(2)));
  }
  return asLatin1(lines.join("\n"));
}
function parseDeprecation(block, line) {
  const m = /(?:^|\n\n)Deprecated: *([\s\S]*?)(?:$|\n\n)/.exec(parseDirectiveComment(block, line));
  return asLatin1(m ? m[1] : "");
}
function compareBytes(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
function compareLine(li, lj) {
  for (let k = 0; k < li.token.length && k < lj.token.length; k++) {
    if (li.token[k] !== lj.token[k]) return compareBytes(li.token[k], lj.token[k]);
  }
  return Math.sign(li.token.length - lj.token.length);
}
function compareLineExclude(li, lj) {
  if (li.token.length !== 2 || lj.token.length !== 2) return compareLine(li, lj);
  if (li.token[0] !== lj.token[0]) return compareBytes(li.token[0], lj.token[0]);
  return compare(li.token[1], lj.token[1]);
}
function compareLineRetract(li, lj) {
  const interval = (l) => {
    if (l.token.length === 1) return [l.token[0], l.token[0]];
    if (l.token.length === 5 && l.token[0] === "[" && l.token[2] === "," && l.token[4] === "]") {
      return [l.token[1], l.token[3]];
    }
    return ["", ""];
  };
  const [li0, li1] = interval(li);
  const [lj0, lj1] = interval(lj);
  const c = compare(li0, lj0);
  if (c !== 0) return -c;
  return -compare(li1, lj1);
}
function sortByLine(lines) {
  const keys = new Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const token = lines[i].token;
    for (const t of token) if (t === "" || t.includes("\0") || t.includes("")) return void 0;
    const key = token.join("");
    keys[i] = key + "\0" + String.fromCharCode(i >>> 16, i & 65535);
  }
  keys.sort();
  return keys.map((k) => lines[k.charCodeAt(k.length - 2) << 16 | k.charCodeAt(k.length - 1)]);
}
function isSorted(lines, less) {
  for (let i = 1; i < lines.length; i++) if (less(lines[i - 1], lines[i]) > 0) return false;
  return true;
}
var GoModFile = class _GoModFile {
  constructor(syntax) {
    this.syntax = syntax;
  }
  syntax;
  module;
  go;
  toolchain;
  godebug = [];
  require = [];
  exclude = [];
  replace = [];
  retract = [];
  tool = [];
  ignore = [];
  /**
   * A retract version was written quoted and needs quotes (`""`, `"v1 x"`): Go keeps it as
   * unquoted text, which prints as something else (nothing, two tokens), so the printed file
   * does not read back as this tree.
   */
  unquotedVersion = false;
  /** Parses go.mod bytes; throws GoModError. */
  static parseLatin1(file, data) {
    const fs = parseSyntax(file, data);
    const f = new _GoModFile(fs);
    const problems = [];
    const fail = (line, e) => {
      let reason;
      if (e instanceof DirectiveError) reason = e.text();
      else if (e instanceof Error) reason = e.message;
      else reason = String(e);
      problems.push({
        line: line.start.line,
        column: line.start.lineRune,
        reason: lossyTextFromLatin1(asLatin1(reason))
      });
    };
    for (const x of fs.stmt) {
      if (x.kind === "line") {
        try {
          f.add(void 0, x, x.token[0], new Args(x, 1));
        } catch (e) {
          fail(x, e);
        }
      } else if (x.kind === "block") {
        const known = ["module", "godebug", "require", "exclude", "replace", "retract", "tool", "ignore"];
        if (x.token.length > 1 || !known.includes(x.token[0])) {
          fail(x, new DirectiveError(`unknown block type: ${excerpt(x.token.join(" "))}`));
          continue;
        }
        for (const l of x.line) {
          try {
            f.add(x, l, x.token[0], new Args(l, 0));
          } catch (e) {
            fail(l, e);
          }
        }
      }
    }
    if (problems.length > 0) throw new GoModError(file, problems);
    return f;
  }
  add(block, line, verb, args) {
    const lineNo = line.start.line;
    switch (verb) {
      default:
        throw new DirectiveError(`unknown directive: ${excerpt(verb)}`);
      case "go": {
        if (this.go) throw new DirectiveError("repeated go statement");
        if (args.length !== 1) throw new DirectiveError("go directive expects exactly one argument");
        if (!GO_VERSION_RE.test(args.get(0))) {
          throw new DirectiveError(`invalid go version '${excerpt(args.get(0))}': must match format 1.23.0`);
        }
        this.go = { version: lossyTextFromLatin1(args.get(0)), line: lineNo, syntax: line };
        return;
      }
      case "toolchain": {
        if (this.toolchain) throw new DirectiveError("repeated toolchain statement");
        if (args.length !== 1) throw new DirectiveError("toolchain directive expects exactly one argument");
        if (!TOOLCHAIN_RE.test(args.get(0))) {
          throw new DirectiveError(
            `invalid toolchain version '${excerpt(args.get(0))}': must match format go1.23.0 or default`
          );
        }
        this.toolchain = { name: lossyTextFromLatin1(args.get(0)), line: lineNo, syntax: line };
        return;
      }
      case "module": {
        if (this.module) throw new DirectiveError("repeated module statement");
        const deprecated = lossyTextFromLatin1(parseDeprecation(block, line));
        this.module = { path: "", deprecated, line: lineNo, syntax: line };
        if (args.length !== 1) throw new DirectiveError("usage: module module/path");
        this.module.path = lossyTextFromLatin1(this.quoted(args, 0));
        return;
      }
      case "godebug": {
        if (args.length !== 1 || /["`',]/.test(args.get(0)))
          throw new DirectiveError("usage: godebug key=value");
        const kv = args.get(0);
        const eq = kv.indexOf("=");
        if (eq < 0) throw new DirectiveError("usage: godebug key=value");
        this.godebug.push({
          key: lossyTextFromLatin1(asLatin1(kv.slice(0, eq))),
          value: lossyTextFromLatin1(asLatin1(kv.slice(eq + 1))),
          line: lineNo,
          syntax: line
        });
        return;
      }
      case "require":
      case "exclude": {
        if (args.length !== 2) throw new DirectiveError(`usage: ${verb} module/path v1.2.3`);
        const s = this.quoted(args, 0);
        const v = parseVersion(verb, s, args, 1, false);
        const pathMajor = modulePathMajor(s);
        const bad = checkPathMajor(v, pathMajor);
        if (bad !== void 0) throw new DirectiveError(bad, verb, s);
        const path = lossyTextFromLatin1(s);
        const version = lossyTextFromLatin1(v);
        if (verb === "require") {
          this.require.push({ path, version, indirect: isIndirect(line), line: lineNo, syntax: line });
        } else {
          this.exclude.push({ path, version, line: lineNo, syntax: line });
        }
        return;
      }
      case "replace":
        this.replace.push(this.parseReplace(line, verb, args));
        return;
      case "retract": {
        const rationale = lossyTextFromLatin1(parseDirectiveComment(block, line));
        const [low, high, rest] = parseVersionInterval(verb, args);
        if (mustQuote(low) || mustQuote(high)) this.unquotedVersion = true;
        if (rest.length > 0) {
          throw new DirectiveError(`unexpected token after version: ${goQuote(excerpt(rest.get(0)))}`);
        }
        this.retract.push({
          low: lossyTextFromLatin1(low),
          high: lossyTextFromLatin1(high),
          rationale,
          line: lineNo,
          syntax: line
        });
        return;
      }
      case "tool":
      case "ignore": {
        if (args.length !== 1) throw new DirectiveError(`${verb} directive expects exactly one argument`);
        const s = lossyTextFromLatin1(this.quoted(args, 0));
        (verb === "tool" ? this.tool : this.ignore).push({ path: s, line: lineNo, syntax: line });
        return;
      }
    }
  }
  quoted(args, i) {
    try {
      return parseString(args, i);
    } catch (e) {
      throw new DirectiveError(`invalid quoted string: ${errText(e)}`);
    }
  }
  parseReplace(line, verb, args) {
    let arrow = 2;
    if (args.length >= 2 && args.get(1) === "=>") arrow = 1;
    if (args.length < arrow + 2 || args.length > arrow + 3 || args.get(arrow) !== "=>") {
      throw new DirectiveError(
        `usage: ${verb} module/path [v1.2.3] => other/module v1.4
	 or ${verb} module/path [v1.2.3] => ../local/directory`
      );
    }
    const s = this.quoted(args, 0);
    let pathMajor;
    try {
      pathMajor = modulePathMajor(s);
    } catch (e) {
      throw new DirectiveError(e.reason, verb, s);
    }
    let v = asLatin1("");
    if (arrow === 2) {
      v = parseVersion(verb, s, args, 1, false);
      const bad = checkPathMajor(v, pathMajor);
      if (bad !== void 0) throw new DirectiveError(bad, verb, s);
    }
    const ns = this.quoted(args, arrow + 1);
    let nv = asLatin1("");
    if (args.length === arrow + 2) {
      if (!isDirectoryPath(ns)) {
        if (ns.includes("@")) {
          throw new DirectiveError("replacement module must match format 'path version', not 'path@version'");
        }
        throw new DirectiveError(
          "replacement module without version must be directory path (rooted or starting with . or ..)"
        );
      }
      if (ns.includes("\\")) {
        throw new DirectiveError(
          "replacement directory appears to be Windows path (on a non-windows system)"
        );
      }
    }
    if (args.length === arrow + 3) {
      nv = parseVersion(verb, ns, args, arrow + 2, false);
      if (isDirectoryPath(ns)) {
        throw new DirectiveError(
          `replacement module directory path ${goQuote(excerpt(ns))} cannot have version`
        );
      }
    }
    return {
      oldPath: lossyTextFromLatin1(s),
      oldVersion: lossyTextFromLatin1(v),
      newPath: lossyTextFromLatin1(ns),
      newVersion: lossyTextFromLatin1(nv),
      line: line.start.line,
      syntax: line
    };
  }
  // ---- edits ----
  /** Adds a line to the syntax tree, next to the hint or the last statement of the same kind. */
  addLine(hint, tokens) {
    const stmts = this.syntax.stmt;
    if (!hint) {
      for (let i = stmts.length - 1; i >= 0; i--) {
        const stmt = stmts[i];
        if ((stmt.kind === "line" || stmt.kind === "block") && stmt.token.length > 0 && stmt.token[0] === tokens[0]) {
          hint = stmt;
          break;
        }
      }
    }
    const newLineAfter = (i) => {
      const l2 = newLine(tokens);
      stmts.splice(i + 1, 0, l2);
      return l2;
    };
    if (hint) {
      for (let i = 0; i < stmts.length; i++) {
        const stmt = stmts[i];
        if (stmt.kind === "line" && stmt === hint) {
          if (stmt.token.length === 0 || stmt.token[0] !== tokens[0]) return newLineAfter(i);
          stmt.inBlock = true;
          const block = newBlock(stmt.token.slice(0, 1));
          block.line = [stmt];
          stmt.token = stmt.token.slice(1);
          stmts[i] = block;
          const l2 = newLine(tokens.slice(1), true);
          block.line.push(l2);
          return l2;
        }
        if (stmt.kind === "block") {
          if (stmt === hint) {
            if (stmt.token[0] !== tokens[0]) return newLineAfter(i);
            const l2 = newLine(tokens.slice(1), true);
            stmt.line.push(l2);
            return l2;
          }
          for (let j = 0; j < stmt.line.length; j++) {
            if (stmt.line[j] === hint) {
              if (stmt.token[0] !== tokens[0]) return newLineAfter(i);
              const l2 = newLine(tokens.slice(1), true);
              stmt.line.splice(j + 1, 0, l2);
              return l2;
            }
          }
        }
      }
    }
    const l = newLine(tokens);
    stmts.push(l);
    return l;
  }
  updateLine(line, tokens) {
    line.token = line.inBlock ? tokens.slice(1) : tokens;
  }
  static markRemoved(line) {
    line.token = [];
    if (line.com.suffix.length > 0) line.com.suffix = [];
  }
  /**
   * Sets the first require line for path to version (keeping its comments, `// indirect`
   * included) and removes every other line for path; adds a line when there is none.
   * This is `go mod edit -require=path@version` before sorting and cleanup.
   */
  addRequire(path, version) {
    let need = true;
    for (const r of this.require) {
      if (r.path !== path) continue;
      if (need) {
        r.version = version;
        this.updateLine(r.syntax, [
          asLatin1("require"),
          autoQuote(latin1FromText(path)),
          latin1FromText(version)
        ]);
        need = false;
      } else {
        _GoModFile.markRemoved(r.syntax);
        r.path = "";
        r.version = "";
        r.indirect = false;
      }
    }
    if (need) this.addNewRequire(path, version, false);
  }
  /** Adds a require line at the end of the last require block, whatever lines already exist. */
  addNewRequire(path, version, indirect) {
    const line = this.addLine(void 0, [
      asLatin1("require"),
      autoQuote(latin1FromText(path)),
      latin1FromText(version)
    ]);
    const r = { path, version, indirect: false, line: 0, syntax: line };
    setIndirect(r, indirect);
    this.require.push(r);
  }
  /**
   * Makes the requirements exactly `req` (Go's SetRequire): the first line for each path keeps
   * its comments and block; other lines and paths not in req are removed; new paths are added.
   */
  setRequire(req) {
    const need = /* @__PURE__ */ new Map();
    for (const r of req) {
      const prev = need.get(r.path);
      if (prev && prev.version !== r.version) {
        throw new Error(`setRequire called with conflicting versions for path ${r.path}`);
      }
      need.set(r.path, { version: r.version, indirect: r.indirect });
    }
    for (const r of this.require) {
      const e = need.get(r.path);
      if (e) {
        setVersion(r, e.version);
        setIndirect(r, e.indirect);
      } else {
        _GoModFile.markRemoved(r.syntax);
        r.path = "";
        r.version = "";
        r.indirect = false;
      }
      need.delete(r.path);
    }
    for (const [path, e] of need) this.addNewRequire(path, e.version, e.indirect);
    this.sortBlocks();
  }
  /** Sets the go version (`go mod edit -go=`); throws on an invalid version. */
  setGo(version) {
    if (!GO_VERSION_RE.test(version)) throw new Error(`invalid language version "${version}"`);
    if (!this.go) {
      const line = this.addLine(this.module?.syntax, [asLatin1("go"), latin1FromText(version)]);
      this.go = { version, line: 0, syntax: line };
    } else {
      this.go.version = version;
      this.updateLine(this.go.syntax, [asLatin1("go"), latin1FromText(version)]);
    }
  }
  /** Sets the toolchain (`go mod edit -toolchain=`); throws on an invalid name. */
  setToolchain(name) {
    if (!TOOLCHAIN_RE.test(name)) throw new Error(`invalid toolchain name "${name}"`);
    if (!this.toolchain) {
      const line = this.addLine(this.go?.syntax ?? this.module?.syntax, [
        asLatin1("toolchain"),
        latin1FromText(name)
      ]);
      this.toolchain = { name, line: 0, syntax: line };
    } else {
      this.toolchain.name = name;
      this.updateLine(this.toolchain.syntax, [asLatin1("toolchain"), latin1FromText(name)]);
    }
  }
  dropGo() {
    if (this.go) _GoModFile.markRemoved(this.go.syntax);
    this.go = void 0;
  }
  dropToolchain() {
    if (this.toolchain) _GoModFile.markRemoved(this.toolchain.syntax);
    this.toolchain = void 0;
  }
  /**
   * Removes duplicate exclude, replace, tool and ignore lines, then sorts every block (but the
   * require blocks when sortRequire is false: for a caller that knows they are sorted).
   */
  sortBlocks(sortRequire = true) {
    this.removeDups();
    const semanticExclude = this.go !== void 0 && compare("v" + this.go.version, "v1.21") >= 0;
    for (const stmt of this.syntax.stmt) {
      if (stmt.kind !== "block") continue;
      if (!sortRequire && stmt.token[0] === "require") continue;
      let less = compareLine;
      if (stmt.token[0] === "exclude" && semanticExclude) less = compareLineExclude;
      else if (stmt.token[0] === "retract") less = compareLineRetract;
      if (isSorted(stmt.line, less)) continue;
      const sorted = less === compareLine && stmt.line.length < 2 ** 32 ? sortByLine(stmt.line) : void 0;
      if (!sorted) stmt.line.sort(less);
      else for (let i = 0; i < sorted.length; i++) stmt.line[i] = sorted[i];
    }
  }
  removeDups() {
    const kill = /* @__PURE__ */ new Set();
    const seenExclude = /* @__PURE__ */ new Set();
    for (const x of this.exclude) {
      const key = JSON.stringify([x.path, x.version]);
      if (seenExclude.has(key)) kill.add(x.syntax);
      else seenExclude.add(key);
    }
    this.exclude = this.exclude.filter((x) => !kill.has(x.syntax));
    const seenReplace = /* @__PURE__ */ new Set();
    for (let i = this.replace.length - 1; i >= 0; i--) {
      const x = this.replace[i];
      const key = JSON.stringify([x.oldPath, x.oldVersion]);
      if (seenReplace.has(key)) kill.add(x.syntax);
      else seenReplace.add(key);
    }
    this.replace = this.replace.filter((x) => !kill.has(x.syntax));
    for (const list of ["tool", "ignore"]) {
      const seen = /* @__PURE__ */ new Set();
      for (const t of this[list]) {
        if (seen.has(t.path)) kill.add(t.syntax);
        else seen.add(t.path);
      }
      this[list] = this[list].filter((t) => !kill.has(t.syntax));
    }
    const stmts = [];
    for (const stmt of this.syntax.stmt) {
      if (stmt.kind === "line" && kill.has(stmt)) continue;
      if (stmt.kind === "block") {
        if (kill.size > 0) stmt.line = stmt.line.filter((l) => !kill.has(l));
        if (stmt.line.length === 0) continue;
      }
      stmts.push(stmt);
    }
    this.syntax.stmt = stmts;
  }
  /** Drops removed lines and empty blocks; a block left with one line becomes a single line. */
  cleanup() {
    this.godebug = this.godebug.filter((g) => g.key !== "");
    this.require = this.require.filter((r) => r.path !== "");
    this.exclude = this.exclude.filter((x) => x.path !== "");
    this.replace = this.replace.filter((r) => r.oldPath !== "");
    this.retract = this.retract.filter((r) => r.low !== "" || r.high !== "");
    const out = [];
    for (const stmt of this.syntax.stmt) {
      if (stmt.kind === "line" && stmt.token.length === 0) continue;
      if (stmt.kind === "block") {
        const lines = stmt.line.filter((l) => l.token.length > 0);
        if (lines.length === 0) continue;
        if (lines.length === 1 && stmt.rparen.com.before.length === 0) {
          const l = lines[0];
          const merged = {
            kind: "line",
            com: {
              before: [...stmt.com.before, ...l.com.before],
              suffix: [...l.com.suffix, ...stmt.com.suffix],
              after: [...l.com.after, ...stmt.com.after]
            },
            start: { line: 0, lineRune: 0, byte: 0 },
            token: [...stmt.token, ...l.token],
            inBlock: false,
            end: { line: 0, lineRune: 0, byte: 0 }
          };
          Object.assign(l, merged);
          out.push(l);
          continue;
        }
        stmt.line = lines;
      }
      out.push(stmt);
    }
    this.syntax.stmt = out;
  }
  /** The file in Go's canonical format, as bytes. */
  formatLatin1() {
    return formatSyntax(this.syntax);
  }
};
function setVersion(r, v) {
  r.version = v;
  const line = r.syntax;
  if (line.token.length === 0) return;
  if (line.inBlock) {
    if (line.com.before.length === 1 && line.com.before[0].token.length === 0) line.com.before = [];
    if (line.token.length >= 2) line.token[1] = latin1FromText(v);
  } else if (line.token.length >= 3) {
    line.token[2] = latin1FromText(v);
  }
}
function setIndirect(r, indirect) {
  r.indirect = indirect;
  const line = r.syntax;
  if (isIndirect(line) === indirect) return;
  if (indirect) {
    if (line.com.suffix.length === 0) {
      ownComments(line).suffix = [{ start: zeroPos(), token: asLatin1("// indirect"), suffix: true }];
      return;
    }
    const com = line.com.suffix[0];
    const text = trimSpace(com.token.startsWith("//") ? com.token.slice(2) : com.token);
    com.token = asLatin1(text === "" ? "// indirect" : "// indirect; " + text);
    return;
  }
  const first = line.com.suffix[0];
  const f = trimSpace(first.token.startsWith("//") ? first.token.slice(2) : first.token);
  if (f === "indirect") {
    line.com.suffix = [];
    return;
  }
  const i = first.token.indexOf("indirect;");
  first.token = asLatin1("//" + first.token.slice(i + "indirect;".length));
}
function parseVersionInterval(verb, args) {
  if (args.length === 0 || args.get(0) === "(") throw new DirectiveError("expected '[' or version");
  if (args.get(0) !== "[") {
    const v = parseVersion(verb, "", args, 0, true);
    return [v, v, args.from(1)];
  }
  let toks = args.from(1);
  if (toks.length === 0) throw new DirectiveError("expected version after '['");
  const low = parseVersion(verb, "", toks, 0, true);
  toks = toks.from(1);
  if (toks.length === 0 || toks.get(0) !== ",") throw new DirectiveError("expected ',' after version");
  toks = toks.from(1);
  if (toks.length === 0) throw new DirectiveError("expected version after ','");
  const high = parseVersion(verb, "", toks, 0, true);
  toks = toks.from(1);
  if (toks.length === 0 || toks.get(0) !== "]") throw new DirectiveError("expected ']' after version");
  return [low, high, toks.from(1)];
}

// src/gomod/quick.ts
var TOKEN = /^[A-Za-z0-9._~+\-/]+$/;
var PLAIN2 = /^[\t\n\x20-\x7e]*$/;
var IN_BLOCK = /^\t([A-Za-z0-9._~+-]+(?:\/[A-Za-z0-9._~+-]+)*) (v[A-Za-z0-9._~+-]+)(?: \/\/.*)?$/;
var SINGLE = /^require ([A-Za-z0-9._~+-]+(?:\/[A-Za-z0-9._~+-]+)*) (v[A-Za-z0-9._~+-]+)(?: \/\/.*)?$/;
var COMMENT2 = /^[\t ]*\/\//;
function quickRequires(data) {
  if (!PLAIN2.test(data)) return void 0;
  const out = [];
  let module2 = false;
  let go = false;
  let block = false;
  const add = (path, version) => {
    if (canonicalVersion(version) !== version) return false;
    const [, major2, ok] = splitPathVersion(path);
    if (!ok || checkPathMajor(version, major2) !== void 0) return false;
    out.push({ path, version });
    return true;
  };
  for (let start = 0; start < data.length; ) {
    let end = data.indexOf("\n", start);
    if (end < 0) end = data.length;
    const line = data.slice(start, end);
    start = end + 1;
    if (line === "" || COMMENT2.test(line)) continue;
    if (block) {
      if (line === ")") {
        block = false;
        continue;
      }
      const m = IN_BLOCK.exec(line);
      if (!m || !add(m[1], m[2])) return void 0;
      continue;
    }
    if (line === "require (") {
      block = true;
      continue;
    }
    if (line.startsWith("require ")) {
      const m = SINGLE.exec(line);
      if (!m || !add(m[1], m[2])) return void 0;
      continue;
    }
    if (line.startsWith("module ") && !module2) {
      const path = line.slice("module ".length);
      if (!TOKEN.test(path) || path.includes("//")) return void 0;
      module2 = true;
      continue;
    }
    if (line.startsWith("go ") && !go) {
      if (!GO_VERSION_RE.test(line.slice("go ".length))) return void 0;
      go = true;
      continue;
    }
    return void 0;
  }
  return block ? void 0 : out;
}

// src/gomod/cap.ts
function findChanges(server, plugin) {
  const index = /* @__PURE__ */ new Map();
  const versions = [];
  for (const r of server) {
    index.set(r.path, versions.length);
    versions.push(r.version);
  }
  const lines = new Uint32Array(versions.length);
  const found = { changes: [], requires: [], repeated: /* @__PURE__ */ new Set() };
  for (const r of plugin.require) {
    const i = index.get(r.path);
    if (i === void 0) continue;
    if (++lines[i] === 2) found.repeated.add(r.path);
    const want = versions[i];
    if (want !== r.version) {
      found.changes.push({ module: r.path, from: r.version, to: want, line: r.line });
      found.requires.push(r);
    }
  }
  return found;
}
function accepted(c) {
  const version = latin1FromText(c.to);
  if (checkImportPath(latin1FromText(c.module)) !== void 0 || mustQuote(version)) return false;
  return !version.startsWith("-") && !version.startsWith("/");
}
function editStep(pluginFile, text, c) {
  const f = typeof text === "string" ? GoModFile.parseLatin1(pluginFile, text) : text;
  f.addRequire(c.module, c.to);
  f.sortBlocks();
  f.cleanup();
  return f.formatLatin1();
}
function applyCapLatin1Stepwise(pluginFile, plugin, changes) {
  let cur = plugin;
  for (const c of changes) {
    if (!accepted(c)) continue;
    try {
      cur = editStep(pluginFile, cur, c);
    } catch (e) {
      if (!(e instanceof GoModError)) throw e;
    }
  }
  return cur;
}
var LaterEdits = class {
  /**
   * f read back (readBack), and its lines in file order. With only, the edits will name the
   * require of each path (apply's third argument) but for the paths in only: just those are
   * looked up by path.
   */
  constructor(f, order, only) {
    this.f = f;
    let repeated;
    for (const r of only?.size === 0 ? [] : f.require) {
      if (only && !only.has(r.path)) continue;
      const had = this.byPath.get(r.path);
      if (had === void 0) {
        this.byPath.set(r.path, r);
      } else if (Array.isArray(had)) {
        had.push(r);
      } else {
        const list = [had, r];
        this.byPath.set(r.path, list);
        (repeated ??= []).push(list);
      }
    }
    if (repeated) {
      for (let i = 0; i < order.length; i++) order[i].capOrder = i;
      for (const list of repeated) list.sort((a, b) => a.syntax.capOrder - b.syntax.capOrder);
    }
  }
  f;
  /** Live require entries per path, in file order (a list only for a path on several lines). */
  byPath = /* @__PURE__ */ new Map();
  /** Whether each line in a block has its BlockState (capBlock), done when a line is first removed. */
  blocksNoted = false;
  /** Blocks whose lines the previous edit removed. */
  touched = /* @__PURE__ */ new Set();
  /** Blocks that a cleanup turned into a single line. */
  merged = [];
  block(line) {
    if (!this.blocksNoted) {
      this.blocksNoted = true;
      for (const stmt of this.f.syntax.stmt) {
        if (stmt.kind === "line") stmt.capBlock = void 0;
        if (stmt.kind !== "block") continue;
        const state = { block: stmt, live: stmt.line.length, first: 0 };
        for (const l of stmt.line) l.capBlock = state;
      }
    }
    return line.capBlock;
  }
  /**
   * Whether every change is for a path the file requires. Always so for changes from capChanges:
   * each is for a path the plugin requires, and the first edit leaves a line for every path.
   */
  covers(changes) {
    for (const c of changes) if (!this.byPath.has(c.module)) return false;
    return true;
  }
  /**
   * `go mod edit -require=path@version` on a file read back from canonical text. require is the
   * path's require line when known (see the constructor).
   */
  apply(path, version, require2) {
    for (const b of this.touched) this.dropBlankTop(b);
    this.touched.clear();
    const entry = require2 !== void 0 && (this.byPath.size === 0 || !this.byPath.has(path)) ? require2 : this.byPath.get(path);
    const keep = Array.isArray(entry) ? entry[0] : entry;
    keep.version = version;
    const p = autoQuote(latin1FromText(path));
    const v = latin1FromText(version);
    keep.syntax.token = keep.syntax.inBlock ? [p, v] : [asLatin1("require"), p, v];
    if (!Array.isArray(entry)) return;
    this.byPath.set(path, keep);
    for (let i = 1; i < entry.length; i++) {
      const r = entry[i];
      r.syntax.token = [];
      if (r.syntax.com.suffix.length > 0) r.syntax.com.suffix = [];
      r.path = "";
      r.version = "";
      r.indirect = false;
      const b = this.block(r.syntax);
      if (b) {
        b.live--;
        this.touched.add(b);
      }
    }
    for (const b of this.touched) {
      if (b.merged || b.live !== 1 || b.block.rparen.com.before.length > 0) continue;
      b.merged = this.firstLive(b);
      this.merged.push(b);
    }
  }
  /** Sorts and cleans up as the last edit does; the file is then ready to print. */
  finish() {
    const replace = /* @__PURE__ */ new Map();
    for (const b of this.merged) {
      if (b.live > 0) continue;
      const com = [...b.block.com.before, ...b.merged.com.before];
      let last = com.length - 1;
      while (last >= 0 && com[last].token !== "") last--;
      const kept = com.slice(0, Math.max(last, 0));
      replace.set(
        b.block,
        kept.length === 0 ? void 0 : { kind: "comments", com: { before: kept, suffix: [], after: [] }, start: b.block.start }
      );
    }
    if (replace.size > 0) {
      const stmts = [];
      for (const stmt of this.f.syntax.stmt) {
        if (stmt.kind !== "block" || !replace.has(stmt)) stmts.push(stmt);
        else if (replace.get(stmt)) stmts.push(replace.get(stmt));
      }
      this.f.syntax.stmt = stmts;
    }
    this.f.sortBlocks(false);
    this.f.cleanup();
  }
  firstLive(b) {
    const lines = b.block.line;
    while (b.first < lines.length && lines[b.first].token.length === 0) b.first++;
    return lines[b.first];
  }
  /** What re-reading the printed block does to a blank line at its top. */
  dropBlankTop(b) {
    if (b.live === 0 || b.merged) return;
    const before = this.firstLive(b).com.before;
    if (before.length > 0 && before[0].token === "") before.shift();
  }
};
function applyCap(pluginFile, plugin, held, changes, found) {
  const todo = [];
  const requires = [];
  changes.forEach((c, i) => {
    if (!accepted(c)) return;
    todo.push(c);
    if (found) requires.push(found.requires[i]);
  });
  if (todo.length === 0) return plugin;
  const f = held.file ?? GoModFile.parseLatin1(pluginFile, plugin);
  held.file = void 0;
  f.addRequire(todo[0].module, todo[0].to);
  f.sortBlocks();
  f.cleanup();
  if (todo.length === 1) return f.formatLatin1();
  if (f.unquotedVersion) return applyCapLatin1Stepwise(pluginFile, f.formatLatin1(), todo.slice(1));
  const later = new LaterEdits(f, readBack(f), found?.repeated);
  if (!found && !later.covers(todo.slice(1))) {
    return applyCapLatin1Stepwise(pluginFile, f.formatLatin1(), todo.slice(1));
  }
  for (let i = 1; i < todo.length; i++) later.apply(todo[i].module, todo[i].to, requires[i]);
  later.finish();
  return f.formatLatin1();
}
function readBack(f) {
  const stmts = [];
  const order = [];
  for (const stmt of f.syntax.stmt) {
    if (stmt.kind === "block") {
      const before = stmt.line[0]?.com.before;
      if (before && before.length > 0 && before[0].token === "") before.shift();
      for (const l of stmt.line) order.push(l);
    } else if (stmt.kind === "line") {
      const before = stmt.com.before;
      let last = before.length - 1;
      while (last >= 0 && before[last].token !== "") last--;
      if (last >= 0) {
        const kept = before.slice(0, last);
        if (kept.some((c) => c.token !== "")) {
          stmts.push({ kind: "comments", com: { before: kept, suffix: [], after: [] }, start: stmt.start });
        }
        stmt.com.before = before.slice(last + 1);
      }
      order.push(stmt);
    }
    stmts.push(stmt);
  }
  f.syntax.stmt = stmts;
  return order;
}
function parseBoth(server, plugin, opts) {
  const s = opts.serverRequires ?? quickRequires(server) ?? GoModFile.parseLatin1(opts.serverFile ?? "server go.mod", server).require;
  const p = GoModFile.parseLatin1(opts.pluginFile ?? "go.mod", plugin);
  return { held: { file: p }, found: findChanges(s, p) };
}
function capLatin1(server, plugin, opts) {
  const { held, found } = parseBoth(server, plugin, opts);
  const changes = found.changes;
  if (changes.length === 0) return { changed: false, out: plugin, changes };
  const out = applyCap(opts.pluginFile ?? "go.mod", plugin, held, changes, found);
  return { changed: out !== plugin, out, changes };
}
function capGoModBytes(server, plugin, opts = {}) {
  const r = capLatin1(latin1FromArray(server), latin1FromArray(plugin), opts);
  return { changed: r.changed, data: r.changed ? arrayFromLatin1(r.out) : plugin, changes: r.changes };
}

// src/cli/gomod-cap.ts
var USAGE = [
  "Usage of gomod-cap:",
  "  -check",
  "    	check for incompatibility only",
  "  -from string",
  '    	go.mod file or dir to cap go.mod version from (default "./go.mod")',
  "  -to string",
  '    	go.mod file or dir to cap go.mod version to (default "./go.mod")'
].join("\n");
function parseBool(s) {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return void 0;
}
function parseArgs(args) {
  const opts = { from: "./go.mod", to: "./go.mod", check: false };
  const stray = (rest) => rest.length === 0 ? opts : {
    error: `unexpected argument ${JSON.stringify(rest[0])}: gomod-cap takes only the flags -from, -to and -check`
  };
  for (let i = 0; i < args.length; i++) {
    const s = args[i];
    if (s.length < 2 || s[0] !== "-") return stray(args.slice(i));
    let minuses = 1;
    if (s[1] === "-") {
      minuses++;
      if (s.length === 2) return stray(args.slice(i + 1));
    }
    let name = s.slice(minuses);
    if (name.length === 0 || name[0] === "-" || name[0] === "=") return { error: `bad flag syntax: ${s}` };
    let value;
    const eq = name.indexOf("=", 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    if (name === "check") {
      if (value === void 0) {
        opts.check = true;
      } else {
        const b = parseBool(value);
        if (b === void 0) return { error: `invalid boolean value "${value}" for -check: parse error` };
        opts.check = b;
      }
      continue;
    }
    if (name === "from" || name === "to") {
      if (value === void 0) {
        if (i + 1 >= args.length) return { error: `flag needs an argument: -${name}` };
        value = args[++i];
      }
      opts[name] = value;
      continue;
    }
    if (name === "help" || name === "h") return "help";
    return { error: `flag provided but not defined: -${name}` };
  }
  return opts;
}
function goModPath(arg, cwd) {
  const p = (0, import_node_path2.resolve)(cwd, arg);
  try {
    if ((0, import_node_fs.statSync)(p).isDirectory()) return [(0, import_node_path2.join)(p, "go.mod"), (0, import_node_path2.join)(arg, "go.mod")];
  } catch {
  }
  return [p, arg];
}
function checkFile(path, shown, label, io, write) {
  let real;
  try {
    real = (0, import_node_fs.realpathSync)(path);
  } catch {
    return path;
  }
  const st = (0, import_node_fs.statSync)(real);
  if (!st.isFile()) {
    io.stderr(`gomod-cap: the ${label} go.mod ${shown} is ${kindOf(st)}, not a regular file`);
    return void 0;
  }
  if (write && st.nlink > 1) {
    io.stderr(
      `gomod-cap: the ${label} go.mod ${shown} has ${st.nlink} hard links: replacing it in one step would leave the other names with the old file. Make it a single file (cp it, then mv the copy over it), or link it with a symlink`
    );
    return void 0;
  }
  return real;
}
function read(path, shown, label, io) {
  try {
    return (0, import_node_fs.readFileSync)(path);
  } catch (e) {
    const err = e;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory" : err.message;
    io.stderr(`gomod-cap: cannot read the ${label} go.mod ${shown}: ${why}`);
    return void 0;
  }
}
function writeAllSync(fd, fallback, write = (f, b, off) => (0, import_node_fs.writeSync)(f, b, off)) {
  let blocked = false;
  return (s) => {
    const b = Buffer.from(s, "utf8");
    let off = 0;
    while (!blocked && off < b.length) {
      try {
        off += write(fd, b, off);
      } catch (e) {
        if (e.code !== "EAGAIN") throw e;
        blocked = true;
      }
    }
    if (off < b.length) fallback(b.subarray(off));
  };
}
function bufferedStderr(write = writeAllSync(2, (b) => process.stderr.write(b))) {
  let buf = "";
  const flush = () => {
    if (buf !== "") write(buf);
    buf = "";
  };
  const line = (l) => {
    buf += l + "\n";
    if (buf.length >= 1 << 16) flush();
  };
  return Object.assign(line, { flush });
}
async function main(argv, io = { stderr: (l) => process.stderr.write(l + "\n"), cwd: process.cwd() }) {
  const parsed = parseArgs(argv);
  if (parsed === "help") {
    io.stderr(USAGE);
    return 0;
  }
  if ("error" in parsed) {
    io.stderr(parsed.error);
    io.stderr(USAGE);
    return 2;
  }
  const [fromPath, fromName] = goModPath(parsed.from, io.cwd);
  const [toPath, toName] = goModPath(parsed.to, io.cwd);
  const from = checkFile(fromPath, fromName, "server (-from)", io, false);
  if (from === void 0) return 2;
  const to = checkFile(toPath, toName, "plugin (-to)", io, !parsed.check);
  if (to === void 0) return 2;
  const server = read(from, fromName, "server (-from)", io);
  if (!server) return 2;
  const plugin = read(to, toName, "plugin (-to)", io);
  if (!plugin) return 2;
  let result;
  try {
    result = capGoModBytes(server, plugin, { serverFile: fromName, pluginFile: toName });
  } catch (e) {
    if (e instanceof GoModError) {
      io.stderr(`gomod-cap: invalid go.mod:
${e.message}`);
      return 2;
    }
    throw e;
  }
  if (parsed.check) {
    const first = result.changes[0];
    if (!first) return 0;
    io.stderr(
      `Found incompatible go.mod constraint: path ${first.module} has version ${first.from}, the server requires ${first.to} (${toName}:${first.line})`
    );
    return 1;
  }
  for (const c of result.changes) {
    io.stderr(`Changing require version of ${c.module} from ${c.from} to ${c.to} (${toName}:${c.line})`);
  }
  if (!result.changed) return 0;
  try {
    writeFileAtomicSync(to, result.data);
  } catch (e) {
    io.stderr(`gomod-cap: cannot write ${toName}: ${e.message}`);
    return 2;
  }
  return 0;
}
if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  const stderr = bufferedStderr();
  main(process.argv.slice(2), { stderr, cwd: process.cwd() }).then(
    (code) => {
      stderr.flush();
      process.exitCode = code;
    },
    (e) => {
      stderr.flush();
      process.stderr.write(
        `gomod-cap: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}
`
      );
      process.exitCode = 2;
    }
  );
}
// Annotate the CommonJS export names for ESM import in node:
0 && (module.exports = {
  bufferedStderr,
  main,
  parseArgs,
  writeAllSync
});
