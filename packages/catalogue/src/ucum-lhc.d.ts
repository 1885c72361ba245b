// Minimal typing of the parts of @lhncbc/ucum-lhc (no bundled types) that units.ts uses.
declare module '@lhncbc/ucum-lhc' {
  interface ValidateResult {
    status: 'valid' | 'invalid' | 'error';
    ucumCode: string | null;
    msg: string[];
    unit?: { code: string; name: string; guidance?: string } | null;
  }
  interface ConvertResult {
    status: 'succeeded' | 'failed' | 'error';
    toVal: number | null;
    msg: string[];
  }
  interface UcumLhcUtilsInstance {
    validateUnitString(unit: string, suggest?: boolean): ValidateResult;
    convertUnitTo(
      from: string,
      value: number,
      to: string,
      options?: { suggest?: boolean; molecularWeight?: number | null },
    ): ConvertResult;
  }
  export const UcumLhcUtils: { getInstance(): UcumLhcUtilsInstance };
}
