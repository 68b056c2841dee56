// What the domain counts for operations. The app hands in an implementation (Prometheus, or nothing), so the domain imports no metrics library.
export interface DomainMetrics {
  /** A send repeated a transaction_id within the dedupe window and was answered with the first send's msg_ids. */
  sendDeduplicated(): void
}

/** When metrics are off. */
export const NO_METRICS: DomainMetrics = { sendDeduplicated() {} }
