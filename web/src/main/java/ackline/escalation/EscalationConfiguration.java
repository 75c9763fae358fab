package ackline.escalation;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

/** Binds the escalation policy. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(EscalationSettings.class)
class EscalationConfiguration {

}
