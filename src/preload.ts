// Runs before any other module of the bundle is loaded. A dependency (@actions/github, loaded by
// @actions/artifact) builds a proxy agent from GITHUB_API_URL while it loads, and a value that is
// not a URL ends the process with a bare TypeError and a stack: say what is wrong instead.
import * as core from '@actions/core';
import { apiUrlProblem } from './github/errors';

const problem = apiUrlProblem(process.env.GITHUB_API_URL);
if (problem !== undefined) {
  core.setFailed(problem);
  process.exit(1);
}
