package ackline.api;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.context.MessageSource;
import org.springframework.util.unit.DataSize;
import org.springframework.web.servlet.LocaleResolver;

/** The API's request limits and the language of its messages. */
@Configuration(proxyBeanMethods = false)
class ApiConfiguration {

	@Bean
	FilterRegistrationBean<BodySizeLimit> bodySizeLimit(@Value("${ackline.api.max-body-size:64KB}") DataSize single,
			@Value("${ackline.api.max-batch-body-size:32MB}") DataSize batch, MessageSource messages,
			LocaleResolver localeResolver) {
		FilterRegistrationBean<BodySizeLimit> registration = new FilterRegistrationBean<>(
				new BodySizeLimit(single.toBytes(), batch.toBytes(), messages, localeResolver));
		registration.addUrlPatterns("/api/*");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
		return registration;
	}

}
