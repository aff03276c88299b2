// Written by hand, not generated: passes a Swift task's cancellation on to chatlane, which
// the `send(message:options:)` UniFFI generates does not (it awaits without a cancel handler).

extension Client {
    /// Validates, paces, signs and sends one message as `send(message:options:)` does, and is
    /// cancelled with the calling task: a send still waiting for a pacing slot or a retry
    /// backoff then never goes out and this throws `CancellationError`; one whose request is
    /// already on its way has an unknown outcome (reconcile it through receipts by its
    /// `taskId`). A task cancelled before the call sends nothing.
    public func send(_ message: Message, options: SendOptions? = nil) async throws -> SendReceipt {
        let cancellation = SendCancellation()
        let receipt = try await withTaskCancellationHandler {
            try await sendCancellable(message: message, cancellation: cancellation, options: options)
        } onCancel: {
            cancellation.cancel()
        }
        guard let receipt = receipt else {
            throw CancellationError()
        }
        return receipt
    }
}
