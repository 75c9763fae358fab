package ackline.api;

import java.util.List;

import ackline.notice.NoticeQueries;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Clients' replies: the ones waiting for an agent (questions, complaints, unknown senders), or all. */
@RestController
class ReplyController {

	private final NoticeQueries queries;

	ReplyController(NoticeQueries queries) {
		this.queries = queries;
	}

	@GetMapping("/api/v1/replies")
	List<NoticeQueries.Reply> replies(@RequestParam(required = false) Boolean needsAttention,
			@RequestParam(required = false) String channel, @RequestParam(required = false) String from,
			@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
		return queries.replies(needsAttention, channel, from, Math.max(page, 0), Math.min(Math.max(size, 1), 500));
	}

}
