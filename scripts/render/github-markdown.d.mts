export const CHROMIUM: string;
export function summaryPage(summaryMarkdown: string): string;
export interface RenderedSummary {
  /** Every error mermaid raised (parse, render, console, page); empty when all diagrams drew. */
  errors: string[];
  diagrams: { type: string; svg: string }[];
}
export interface SummaryRenderer {
  render(summaryMarkdown: string, options?: { screenshot?: string | null }): Promise<RenderedSummary>;
  close(): Promise<void>;
}
export function openRenderer(): Promise<SummaryRenderer>;
