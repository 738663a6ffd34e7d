export declare const ACTION_REPOSITORY: string;
export type BlockKind = 'workflow' | 'jobs' | 'job' | 'steps' | 'step' | 'inputs' | 'other';
export interface Completed {
  yaml: string;
  /** Lines added before the block's own lines. */
  prefix: number;
  /** Columns added before each of the block's own lines. */
  indent: number;
}
export interface ReadmeBlock extends Partial<Completed> {
  /** README line of the block's first line (1-based). */
  line: number;
  heading: string;
  kind: BlockKind;
  text: string;
}
export interface ScannedStep {
  job?: string;
  line: number;
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with: { key: string; line: number }[];
  flowWith?: true;
}
export interface OutputRead {
  job?: string;
  id: string;
  output: string;
  line: number;
}
export interface Finding {
  line: number;
  message: string;
}
export declare function blockKind(text: string): BlockKind;
export declare function completeBlock(text: string, kind?: BlockKind, name?: string): Completed;
export declare function readmeWorkflowBlocks(markdown: string): ReadmeBlock[];
export declare function asLocalAction(yaml: string, repository?: string): string;
export declare function actionInterface(actionYml: string): { inputs: string[]; outputs: string[] };
export declare function scanWorkflow(yaml: string): { steps: ScannedStep[]; reads: OutputRead[] };
export declare function usesThisAction(uses: string | undefined, repository?: string): boolean;
export declare function interfaceFindings(
  yaml: string,
  iface: { inputs: string[]; outputs: string[] },
  repository?: string,
): Finding[];
