"""Request meta keys gongkai adds (module constants, never bare strings)."""

#: What the spider expects at the URL: "listing", "report", "attachment", "hub" (see PageKind).
META_KIND = "gongkai_kind"
#: The CaptureInfo of the exchange, set by the capture middleware on the request's meta.
META_CAPTURE = "gongkai_capture"
#: How the spider reached a report: "listing" or "chain" (上一条/下一条 only).
META_VIA = "gongkai_via"
#: Column id and name of the listing the report was found in.
META_COLUMN = "gongkai_column"
#: The PriorCapture whose validators a conditional request carries.
META_PRIOR = "gongkai_prior"
#: The WireExchange (bytes sent and received) of the download, set by crawler.wire's handler.
META_WIRE = "gongkai_wire"
#: (encoding, text) of the page as pipelines.decode.html_text read it; the spider's links and the
#: stored text come from this one decoding.
META_DECODED = "gongkai_decoded"
