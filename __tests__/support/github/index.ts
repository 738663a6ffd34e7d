export { startGitHubStandIn } from './server';
export type { Fault, GitHubStandIn, LoggedRequest, StandInOptions, UploadedAsset } from './server';
export type { FixtureAsset, FixtureRelease, FixtureRepo } from './fixtures';
export { commitSha } from './fixtures';
