package ackline.notice;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Sending limits for SMS, whatever the provider.
 *
 * @param ratePerSecond messages per second per sending number, shared by all nodes; 0 lifts the limit
 */
@ConfigurationProperties("ackline.sms")
public record SmsSettings(@DefaultValue("10") int ratePerSecond) {
}
