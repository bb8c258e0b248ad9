#include "zarr/s3_xml.hh"

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <memory>
#include <mutex>

namespace zarr {

namespace {

struct DocumentFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using Document = std::unique_ptr<xmlDoc, DocumentFree>;

Document parse(std::string_view body) {
  static std::once_flag initialised;
  std::call_once(initialised, [] { xmlInitParser(); });  // once, before threads parse concurrently
  if (body.empty() || body.size() > (1u << 30)) return nullptr;
  return Document(xmlReadMemory(body.data(), int(body.size()), "s3.xml", nullptr,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
}

// Element names are compared without their namespace (S3 uses one, Ceph too).
bool named(const xmlNode* node, const char* name) {
  return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, BAD_CAST name) == 0;
}

std::string text_of(const xmlNode* node) {
  xmlChar* content = xmlNodeGetContent(node);
  std::string text = content ? reinterpret_cast<const char*>(content) : "";
  xmlFree(content);
  return text;
}

const xmlNode* child(const xmlNode* parent, const char* name) {
  for (const xmlNode* node = parent->children; node; node = node->next)
    if (named(node, name)) return node;
  return nullptr;
}

std::string child_text(const xmlNode* parent, const char* name) {
  const xmlNode* node = child(parent, name);
  return node ? text_of(node) : "";
}

}  // namespace

S3ErrorBody parse_s3_error(std::string_view body) {
  Document doc = parse(body);
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root || !named(root, "Error")) return {};
  return {child_text(root, "Code"), child_text(root, "Message")};
}

std::optional<S3ListPage> parse_s3_list(std::string_view body) {
  Document doc = parse(body);
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root || !named(root, "ListBucketResult")) return std::nullopt;
  S3ListPage page;
  for (const xmlNode* node = root->children; node; node = node->next)
    if (named(node, "Contents")) page.keys.push_back(child_text(node, "Key"));
  page.truncated = child_text(root, "IsTruncated") == "true";
  page.next_continuation_token = child_text(root, "NextContinuationToken");
  return page;
}

std::string parse_s3_upload_id(std::string_view body) {
  Document doc = parse(body);
  const xmlNode* root = doc ? xmlDocGetRootElement(doc.get()) : nullptr;
  if (!root || !named(root, "InitiateMultipartUploadResult")) return "";
  return child_text(root, "UploadId");
}

std::string xml_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace zarr
