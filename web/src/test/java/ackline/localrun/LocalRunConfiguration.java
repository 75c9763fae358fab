package ackline.localrun;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * What the local run adds to the app: the client-phone simulator page at {@code /simulator} and its JSON API (SMS,
 * email, and the calls at each client's phone on the simulated PBX), open to anyone (it is a developer tool on
 * loopback): the filter chain below covers {@code /simulator/**} and nothing else.
 * <p>
 * It is inert unless {@code localrun.stack-id} names a {@link LocalStack} running in this JVM, because the app's
 * component scan also sees this test-side class in every test of the web module.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(LocalStack.STACK_ID_PROPERTY)
class LocalRunConfiguration {

	// the stack outlives any one app context started on it (tests start several), so the context must not close it
	@Bean(destroyMethod = "")
	LocalStack localRunStack(@Value("${" + LocalStack.STACK_ID_PROPERTY + "}") String id) {
		return LocalStack.lookup(id)
			.orElseThrow(() -> new IllegalStateException("No local stack " + id + " is running in this JVM: "
					+ "start the app through LocalRun or LocalStack.applicationArguments()"));
	}

	@Bean
	PhoneSimulator phoneSimulator(LocalStack localRunStack, Environment environment) {
		return new PhoneSimulator(localRunStack, environment);
	}

	/** Before the app's own chains, so the app's login never stands in front of the simulator. */
	@Bean
	@Order(0)
	SecurityFilterChain simulatorSecurityFilterChain(HttpSecurity http) throws Exception {
		return http.securityMatcher("/simulator/**")
			.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
			.csrf(csrf -> csrf.disable())
			.requestCache(cache -> cache.disable())
			.build();
	}

	@Bean
	RouterFunction<ServerResponse> simulatorRoutes(PhoneSimulator phone) {
		ClassPathResource page = new ClassPathResource("localrun/simulator.html");
		return RouterFunctions.route()
			.GET("/simulator", request -> html(page))
			.GET("/simulator/", request -> html(page))
			.GET("/simulator/api/info", request -> ServerResponse.ok().body(phone.info()))
			.GET("/simulator/api/clients", request -> ServerResponse.ok().body(phone.clients()))
			.GET("/simulator/api/sms/{number}", request -> ServerResponse.ok().body(phone.sms(number(request))))
			.POST("/simulator/api/sms/{number}/replies", request -> {
				SmsReply reply = request.body(SmsReply.class);
				return ServerResponse.ok().body(phone.replySms(number(request), reply.body()));
			})
			.GET("/simulator/api/mail/{address}",
					request -> ServerResponse.ok().body(phone.mail(request.pathVariable("address"))))
			.POST("/simulator/api/mail/{address}/replies", request -> {
				MailReply reply = request.body(MailReply.class);
				PhoneSimulator.QuoteStyle style = (reply.quoteStyle() != null)
						? PhoneSimulator.QuoteStyle.valueOf(reply.quoteStyle()) : PhoneSimulator.QuoteStyle.GMAIL_ZH;
				return ServerResponse.ok()
					.body(phone.replyMail(request.pathVariable("address"), reply.inReplyTo(), reply.body(), style));
			})
			.GET("/simulator/api/answering", request -> ServerResponse.ok().body(phone.answering()))
			.PUT("/simulator/api/answering", request -> {
				Answering answering = request.body(Answering.class);
				if (answering == null || answering.byHand() == null) {
					throw new IllegalArgumentException("byHand must be true or false, e.g. {\"byHand\": true}");
				}
				return ServerResponse.ok().body(phone.answering(answering.byHand()));
			})
			.GET("/simulator/api/calls", request -> ServerResponse.ok()
				.body(request.param("number").map(phone::calls).orElseGet(phone::calls)))
			.GET("/simulator/api/calls/{number}", request -> ServerResponse.ok().body(phone.calls(number(request))))
			.POST("/simulator/api/calls/{number}/answer",
					request -> ServerResponse.accepted().body(phone.answer(number(request))))
			.POST("/simulator/api/calls/{number}/reject",
					request -> ServerResponse.accepted().body(phone.reject(number(request))))
			.POST("/simulator/api/calls/{number}/hangup",
					request -> ServerResponse.accepted().body(phone.hangup(number(request))))
			.POST("/simulator/api/calls/{number}/keys", request -> {
				Keys keys = request.body(Keys.class);
				String digits = (keys != null) ? keys.digits() : null;
				return ServerResponse.accepted().body(phone.press(number(request), digits));
			})
			.onError(PhoneSimulator.NoSuchCallException.class,
					(ex, request) -> problem(HttpStatus.CONFLICT, ex.getMessage()))
			.onError(HttpMessageNotReadableException.class, (ex, request) -> problem(HttpStatus.BAD_REQUEST,
					"The request body must be JSON, e.g. {\"digits\": \"1\"} for keys"))
			.onError(IllegalArgumentException.class,
					(ex, request) -> problem(HttpStatus.BAD_REQUEST, ex.getMessage()))
			.onError(UncheckedIOException.class, (ex, request) -> problem(HttpStatus.BAD_GATEWAY,
					ex.getMessage() + ": " + ex.getCause()))
			.onError(IllegalStateException.class,
					(ex, request) -> problem(HttpStatus.BAD_GATEWAY, ex.getMessage()))
			.build()
			.and(RouterFunctions.resources("/simulator/assets/**", new ClassPathResource("localrun/")));
	}

	private static String number(ServerRequest request) {
		// a "+" typed into a URL by hand arrives as a space
		String number = request.pathVariable("number").trim();
		return number.startsWith("+") ? number : "+" + number;
	}

	private static ServerResponse html(ClassPathResource page) {
		return ServerResponse.ok()
			.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
			.header("Cache-Control", "no-store")
			.body(page);
	}

	private static ServerResponse problem(HttpStatus status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

	/** Whether client phones wait for the person on the page ({@code true}) or answer by themselves. */
	record Answering(Boolean byHand) {
	}

	/** The keys the client presses on a call, e.g. {@code {"digits": "1"}}. */
	record Keys(String digits) {
	}

	/** The SMS the client types. */
	record SmsReply(String body) {
	}

	/** The email the client writes, the notice it answers, and how its mail program quotes that notice. */
	record MailReply(String inReplyTo, String body, String quoteStyle) {
	}

}
