// The SCIM error model (RFC 7644 §3.12): `status` is a string, `scimType` narrows 400/409/403 errors.
import { URN } from './schemas';

export type ScimType =
  | 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax'
  | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

export interface ScimErrorBody {
  schemas: [typeof URN.Error];
  status: string;
  scimType?: ScimType;
  detail?: string;
}

export class ScimError extends Error {
  /**
   * @param status HTTP status
   * @param scimType RFC 7644 scimType (400, 409 and 403 errors)
   * @param detail what went wrong and what to do, in words a user understands
   * @param offset where in the parsed text (filter, path) the problem is, for editors to underline
   * @param length how many characters the problem spans (at least 1)
   */
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    readonly offset?: number,
    readonly length?: number,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  toJSON(): ScimErrorBody {
    return {
      schemas: [URN.Error],
      status: String(this.status),
      ...(this.scimType ? { scimType: this.scimType } : {}),
      detail: this.detail,
    };
  }
}

export function isScimError(e: unknown): e is ScimError {
  return e instanceof ScimError;
}
