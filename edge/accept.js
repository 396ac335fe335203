// CloudFront Function (viewer-request, cloudfront-js-2.0): one Accept per variant the origin serves.
//
// The feeds answer the same URL with the feed or, for a browser, an HTML page (Vary: Accept).
// CloudFront ignores Vary, so Accept is in the cache key; keyed raw, every reader's spelling of it
// would be its own cache entry. This function decides as the origin would
// (layers/shared/contentfeed/http/negotiation.py, rule for rule) and replaces Accept with
// "text/html" or "*/*", the one value the origin then sees: the cache key and the answer can never
// disagree. tests/unit/test_edge_accept.py runs this file with node against the Python rule.
// template.yaml carries a verbatim copy (CloudFront Functions take inline code); a test keeps the
// two identical.

var HTML = "text/html";
var FEED = "*/*";
var FEED_TYPES = {
  "application/rss+xml": true,
  "application/atom+xml": true,
  "application/feed+json": true,
  "application/xml": true,
  "text/xml": true,
  "application/json": true,
};

// Python's str.strip() removes what str.isspace() calls space; String.prototype.trim() differs.
function isSpace(code) {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    (code >= 0x1c && code <= 0x20) ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

function strip(text) {
  var start = 0;
  var end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) {
    start++;
  }
  while (end > start && isSpace(text.charCodeAt(end - 1))) {
    end--;
  }
  return text.slice(start, end);
}

// A quality value is a plain decimal ("1", "0.8", ".5", "1."); anything else counts as 0.
var QVALUE = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$/;

function prefersHtml(accept) {
  if (!accept) {
    return false;
  }
  var html = 0;
  var feed = 0;
  var parts = accept.split(",");
  for (var i = 0; i < parts.length; i++) {
    var pieces = parts[i].split(";");
    var media = strip(pieces[0]).toLowerCase();
    if (!media) {
      continue;
    }
    var quality = 1;
    for (var j = 1; j < pieces.length; j++) {
      var param = strip(pieces[j]);
      var equals = param.indexOf("=");
      var name = equals < 0 ? param : param.slice(0, equals);
      if (strip(name).toLowerCase() === "q") {
        var value = equals < 0 ? "" : strip(param.slice(equals + 1));
        quality = QVALUE.test(value) ? Number(value) : 0;
      }
    }
    if (media === HTML) {
      html = Math.max(html, quality);
    } else if (FEED_TYPES[media] === true) {
      feed = Math.max(feed, quality);
    }
  }
  return html > 0 && html > feed;
}

function handler(event) {
  var request = event.request;
  var header = request.headers.accept;
  var accept;
  if (header) {
    // Several Accept lines: API Gateway hands the function the last one, so decide on that.
    var lines = header.multiValue;
    accept = lines && lines.length ? lines[lines.length - 1].value : header.value;
  }
  request.headers.accept = { value: prefersHtml(accept) ? HTML : FEED };
  return request;
}
