export const README: string;
export const CLI_OPTIONS: string;
export function readmeSections(): Record<string, string>;
export function expectedReadme(current?: string): Promise<string>;
export function expectedCliOptions(): Promise<string>;
/** [file, expected text] for each generated file that differs from the action.yml files. */
export function drifted(): Promise<[string, string][]>;
