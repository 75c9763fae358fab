package ackline.api;

import java.net.URI;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import ackline.evidence.export.EvidenceExport;
import ackline.evidence.export.EvidenceExports;
import ackline.evidence.export.ExportNotFound;
import ackline.evidence.export.ExportRequest;

import org.springframework.core.io.InputStreamResource;
import org.springframework.core.io.Resource;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * API v1 for export bundles: ask for the evidence of one client, notice or task ({@code 202}, built in the
 * background), follow its progress, download the zip once DONE.
 */
@RestController
@RequestMapping("/api/v1/evidence/exports")
class ExportController {

	private final EvidenceExports exports;

	ExportController(EvidenceExports exports) {
		this.exports = exports;
	}

	@PostMapping
	ResponseEntity<EvidenceExport> request(@RequestBody ExportRequest request, Authentication user) {
		EvidenceExport export = exports.request(request, user.getName());
		return ResponseEntity.accepted().location(URI.create("/api/v1/evidence/exports/" + export.id())).body(export);
	}

	@GetMapping("/{id}")
	EvidenceExport get(@PathVariable UUID id) {
		return exports.find(id).orElseThrow(() -> new ExportNotFound(id));
	}

	/**
	 * The zip, streamed from where it is kept (the exports bucket, or this node's directory without object storage);
	 * {@code Repr-Digest} (RFC 9530) carries its SHA-256. 410 once it has expired.
	 */
	@GetMapping("/{id}/bundle")
	ResponseEntity<Resource> bundle(@PathVariable UUID id, Authentication user) throws java.io.IOException {
		EvidenceExports.Bundle bundle = exports.download(id, user.getName());
		return ResponseEntity.ok()
			.contentType(MediaType.parseMediaType("application/zip"))
			.contentLength(bundle.bytes())
			.header(HttpHeaders.CONTENT_DISPOSITION,
					ContentDisposition.attachment().filename(bundle.fileName()).build().toString())
			.header("Repr-Digest",
					"sha-256=:" + Base64.getEncoder().encodeToString(HexFormat.of().parseHex(bundle.sha256())) + ":")
			.body(new InputStreamResource(bundle.source().open()));
	}

}
