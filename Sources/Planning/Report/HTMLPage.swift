/// A self-contained HTML document: inline CSS, inline SVG, no scripts.
public enum HTMLPage {
    public static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>
        body { font-family: -apple-system, "Segoe UI", "PingFang SC", "Noto Sans CJK SC", sans-serif; margin: 2rem auto; max-width: 1000px; color: #1f2933; padding: 0 1rem; }
        h1 { font-size: 1.5rem; margin-bottom: .25rem; }
        h2 { font-size: 1.15rem; margin-top: 2rem; border-bottom: 1px solid #d9e2ec; padding-bottom: .25rem; }
        p.lead { color: #52606d; margin-top: 0; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
        th, td { padding: .35rem .6rem; border-bottom: 1px solid #e4e7eb; text-align: right; vertical-align: top; }
        th:first-child, td:first-child, td.text { text-align: left; }
        th { background: #f0f4f8; font-weight: 600; }
        tr.total td { font-weight: 700; border-top: 2px solid #9aa5b1; }
        tr.group td { background: #f8fafc; font-weight: 600; }
        td.basis { color: #616e7c; font-size: .8rem; text-align: left; }
        .kpis { display: flex; flex-wrap: wrap; gap: 1rem; margin: 1rem 0; }
        .kpi { background: #f0f4f8; border-radius: 6px; padding: .75rem 1rem; min-width: 150px; }
        .kpi .value { font-size: 1.4rem; font-weight: 700; }
        .kpi .label { color: #52606d; font-size: .8rem; }
        .good { color: #1f7a4d; }
        .warn { color: #b44d12; }
        ul.recommendations li { margin: .35rem 0; }
        svg text { font-family: inherit; }
        footer { margin-top: 3rem; color: #9aa5b1; font-size: .75rem; }
        </style>
        </head>
        <body>
        \(body)
        <footer>Hotline planning report</footer>
        </body>
        </html>

        """
    }

    /// Escapes text for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// An HTML table; cells are escaped. `classes` gives a row its CSS class.
    public static func table(headers: [String], rows: [[String]], classes: [String?]? = nil) -> String {
        var html = "<table><thead><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>\n"
        for (i, row) in rows.enumerated() {
            let cls = classes?[i].map { " class=\"\($0)\"" } ?? ""
            html += "<tr\(cls)>" + row.map { "<td>\(escape($0))</td>" }.joined() + "</tr>\n"
        }
        return html + "</tbody></table>\n"
    }

    /// A row of headline figures.
    public static func kpis(_ items: [(label: String, value: String)]) -> String {
        "<div class=\"kpis\">" + items.map {
            "<div class=\"kpi\"><div class=\"value\">\(escape($0.value))</div><div class=\"label\">\(escape($0.label))</div></div>"
        }.joined() + "</div>\n"
    }
}
