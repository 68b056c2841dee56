// Who is acting: the app, the user (own token or an admin impersonating), the device and the token.

export interface Actor {
  readonly appId: string
  /** The user acted as; null only for an admin token without a `user_id` header. */
  readonly userId: number | null
  /** True for an app admin token, with or without impersonation. */
  readonly isAdmin: boolean
  /** A `group_id` header sent with an admin token: act as an admin of that group. */
  readonly asGroupAdmin: number | null
  readonly tokenId: number
  /**
   * The session the token belongs to: its own id, or for a token derived from a session token (the facade's
   * key) that token's id. Signing out ends the whole session.
   */
  readonly sessionTokenId: number
  readonly deviceId: number | null
  /** Epoch ms of the token's expiry; null for admin tokens that never expire. */
  readonly expiresAt: number | null
}

/** An actor who is a user: a user token, or an admin token with `user_id`. */
export type UserActor = Actor & { readonly userId: number }
