/**
 * The `webhook-id` header of a delivery: derived from the delivery row's id, so every attempt and
 * every manual resend repeats it and receivers can deduplicate. Its own module: the API Worker
 * shows it in the deliveries listing without loading the signing code.
 */
export const webhookMessageId = (deliveryId: string): string => `msg_${deliveryId.replaceAll("-", "")}`;
