export const PRODUCT_VERSION_GLOBAL: string;
export function packageVersion(root?: string): string;
export function productVersionDefine(root?: string): Record<string, string>;
