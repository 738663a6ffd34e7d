// The self-test's judge (.github/workflows/self-test.yml): reads the action's step outputs from
// the environment and fails unless every expected target was built, loaded into the real server
// and uploaded, the files are there with the checksums the outputs give, and (for a plugin that
// shares modules with the server) go.mod was changed for the module named. Pure check, thin shell.
//
//   VERIFIED=... ARTIFACTS=... FILES=... CHECKSUMS=... GO_MOD_CHANGES=... SERVER_VERSION=... \
//   EXPECT_TARGETS=linux-amd64,linux-arm-7,linux-arm64,linux-386 [EXPECT_CHANGED=github.com/gin-gonic/gin] \
//   node .github/self-test/check-outputs.mjs
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';

const parse = (name, text) => {
  try {
    return JSON.parse(text ?? '');
  } catch {
    throw new Error(`output ${name} is not JSON: ${JSON.stringify((text ?? '').slice(0, 200))}`);
  }
};

/**
 * What is wrong with a run's outputs (an empty list when nothing is). `files` reads a file's bytes
 * (undefined when it is missing), so the check runs on plain data in tests.
 */
export function outputProblems(outputs, expected, files) {
  const problems = [];
  const verified = parse('verified', outputs.verified);
  const artifacts = parse('artifacts', outputs.artifacts);
  const changes = parse('go-mod-changes', outputs['go-mod-changes']);
  if (!/^v\d+\.\d+\.\d+/.test(outputs['server-version'] ?? ''))
    problems.push(`server-version is ${JSON.stringify(outputs['server-version'])}, not a release tag`);
  for (const target of expected.targets) {
    const v = verified.find((x) => x.target === target);
    if (!v) problems.push(`${target}: not in verified`);
    else if (v.status !== 'loaded')
      problems.push(`${target}: verified ${v.status}${v.reason ? ` (${v.reason})` : ''}, not loaded`);
    const a = artifacts.find((x) => x.target === target);
    if (!a) {
      problems.push(`${target}: not in artifacts`);
      continue;
    }
    const bytes = files(a.path);
    if (!bytes) problems.push(`${target}: ${a.path} does not exist`);
    else {
      if (bytes.length !== a.size)
        problems.push(`${target}: ${a.path} has ${bytes.length} bytes, artifacts says ${a.size}`);
      const sha = createHash('sha256').update(bytes).digest('hex');
      if (sha !== a.sha256) problems.push(`${target}: sha256 ${sha}, artifacts says ${a.sha256}`);
      if (bytes.subarray(0, 4).toString('latin1') !== '\x7fELF')
        problems.push(`${target}: ${a.path} is not an ELF file`);
    }
    if (!a.artifactId) problems.push(`${target}: no artifactId (the workflow artifact was not uploaded)`);
  }
  const extra = verified.filter((v) => !expected.targets.includes(v.target)).map((v) => v.target);
  if (extra.length) problems.push(`targets that were not asked for: ${extra.join(', ')}`);
  const listed = (outputs.files ?? '').split('\n').filter(Boolean);
  for (const a of artifacts) if (!listed.includes(a.path)) problems.push(`files does not list ${a.path}`);
  const sums = outputs.checksums ? files(outputs.checksums) : undefined;
  if (!sums) problems.push(`checksums.txt (${outputs.checksums ?? 'no output'}) does not exist`);
  else
    for (const a of artifacts)
      if (!sums.toString('utf8').includes(`${a.sha256}  ${a.fileName ?? basename(a.path)}`))
        problems.push(`checksums.txt has no line for ${a.fileName ?? basename(a.path)}`);
  for (const module of expected.changed ?? [])
    if (!changes.some((c) => c.module === module))
      problems.push(`go-mod-changes has no change of ${module}: the alignment did not happen`);
  return problems;
}

function main() {
  const env = process.env;
  const outputs = {
    verified: env.VERIFIED,
    artifacts: env.ARTIFACTS,
    files: env.FILES,
    checksums: env.CHECKSUMS,
    'go-mod-changes': env.GO_MOD_CHANGES,
    'server-version': env.SERVER_VERSION,
  };
  const expected = {
    targets: (env.EXPECT_TARGETS ?? 'linux-amd64,linux-arm-7,linux-arm64,linux-386')
      .split(',')
      .filter(Boolean),
    changed: (env.EXPECT_CHANGED ?? '').split(',').filter(Boolean),
  };
  const problems = outputProblems(outputs, expected, (p) => (existsSync(p) ? readFileSync(p) : undefined));
  for (const p of problems) console.log(`::error title=self-test::${p}`);
  if (problems.length) process.exit(1);
  console.log(
    `${outputs['server-version']}: ${expected.targets.join(', ')} built, loaded into the real server and uploaded` +
      (expected.changed.length ? `; go.mod changed for ${expected.changed.join(', ')}` : ''),
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main();
  } catch (e) {
    console.log(`::error title=self-test::${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
