import { randomBytes } from "node:crypto";

/** Zalo's answer when a call fails: HTTP 200 and a non-zero `error`. */
export interface ZaloErrorBody {
  error: number;
  message: string;
}

export interface TokenOptions {
  /** Seconds an access token lives (Zalo: 90000, 25 h). */
  accessTokenLifetime?: number;
  /** The code for an expired access token (Zalo's OA API: -220; its template API says -124). */
  expiredError?: number;
  now?: () => Date;
}

/**
 * The OA's tokens as Zalo keeps them: access tokens with an expiry, and one refresh token at a time that
 * is spent by using it — refreshing twice with the same one fails the second time.
 */
export class FakeTokens {
  private readonly access = new Map<string, number>();
  private refreshTokenValue: string;
  private counter = 0;
  /** Successful refreshes. */
  refreshes = 0;
  /** Refresh requests with a spent, unknown or missing refresh token. */
  rejectedRefreshes = 0;
  readonly first: { accessToken: string; refreshToken: string };
  accessTokenLifetime: number;

  constructor(private readonly opts: TokenOptions = {}) {
    this.accessTokenLifetime = opts.accessTokenLifetime ?? 90_000;
    this.refreshTokenValue = "";
    this.first = this.issue();
  }

  private now = () => (this.opts.now ?? (() => new Date()))().getTime();

  private issue(): { accessToken: string; refreshToken: string } {
    this.counter += 1;
    const accessToken = `zat${this.counter}_${randomBytes(12).toString("hex")}`;
    this.refreshTokenValue = `zrt${this.counter}_${randomBytes(12).toString("hex")}`;
    this.access.set(accessToken, this.now() + this.accessTokenLifetime * 1000);
    return { accessToken, refreshToken: this.refreshTokenValue };
  }

  /** The refresh token that works now. */
  get refreshToken(): string {
    return this.refreshTokenValue;
  }

  /** Every access token issued so far expires now. */
  expireAll(): void {
    for (const t of this.access.keys()) this.access.set(t, this.now() - 1);
  }

  /** null when the token may call the API, else Zalo's error. */
  check(token: string | undefined): ZaloErrorBody | null {
    const expires = token ? this.access.get(token) : undefined;
    if (expires === undefined) return { error: -216, message: "Access token is invalid" };
    if (expires <= this.now())
      return { error: this.opts.expiredError ?? -220, message: "access_token is expired or removed" };
    return null;
  }

  /** POST /v4/oa/access_token with grant_type=refresh_token. */
  refresh(
    form: URLSearchParams,
    secretKey: string | undefined,
    app: { id: string; secret: string },
  ): unknown {
    if (form.get("app_id") !== app.id || secretKey !== app.secret) {
      return { error: -14001, error_name: "Invalid app", error_description: "app_id or secret_key is wrong" };
    }
    if (form.get("grant_type") !== "refresh_token" || form.get("refresh_token") !== this.refreshTokenValue) {
      this.rejectedRefreshes += 1;
      return {
        error: -14014,
        error_name: "Invalid refresh token",
        error_description: "refresh token is invalid",
      };
    }
    this.refreshes += 1;
    const pair = this.issue();
    return {
      access_token: pair.accessToken,
      refresh_token: pair.refreshToken,
      expires_in: String(this.accessTokenLifetime),
    };
  }
}
