import Foundation

/// Charts drawn as inline SVG.
public enum SVGChart {
    /// A series of values drawn in one colour.
    public struct Series: Sendable {
        public var name: String
        public var color: String
        public var values: [Double]
        public init(name: String, color: String, values: [Double]) {
            self.name = name
            self.color = color
            self.values = values
        }
    }

    /// Grouped vertical bars: one group per category, one bar per series, values labelled.
    public static func groupedBars(title: String, categories: [String], series: [Series], format: (Double) -> String) -> String {
        let width = 760.0, height = 320.0
        let left = 70.0, right = 20.0, top = 40.0, bottom = 50.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = niceCeiling(series.flatMap(\.values).max() ?? 1)
        let groupW = plotW / Double(max(1, categories.count))
        let barW = min(60, groupW * 0.8 / Double(max(1, series.count)))
        var svg = header(width: width, height: height, title: title)
        svg += axis(left: left, top: top, plotW: plotW, plotH: plotH, maxValue: maxValue, format: format)
        for (ci, category) in categories.enumerated() {
            let groupX = left + groupW * Double(ci) + (groupW - barW * Double(series.count)) / 2
            for (si, s) in series.enumerated() {
                let value = ci < s.values.count ? s.values[ci] : 0
                let h = maxValue > 0 ? value / maxValue * plotH : 0
                let x = groupX + barW * Double(si)
                let y = top + plotH - h
                svg += "<rect x=\"\(f(x))\" y=\"\(f(y))\" width=\"\(f(barW - 4))\" height=\"\(f(h))\" fill=\"\(s.color)\"><title>\(HTMLPage.escape("\(s.name) · \(category): \(format(value))"))</title></rect>\n"
                svg += "<text x=\"\(f(x + (barW - 4) / 2))\" y=\"\(f(y - 4))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#334e68\">\(HTMLPage.escape(format(value)))</text>\n"
            }
            svg += "<text x=\"\(f(left + groupW * (Double(ci) + 0.5)))\" y=\"\(f(top + plotH + 18))\" font-size=\"12\" text-anchor=\"middle\">\(HTMLPage.escape(category))</text>\n"
        }
        svg += legend(series, x: left, y: height - 12)
        return svg + "</svg>\n"
    }

    /// Columns for the first series and lines for the others over many intervals.
    public static func intervals(title: String, labels: [String], columns: Series, lines: [Series], tickEvery: Int) -> String {
        let width = 960.0, height = 340.0
        let left = 50.0, right = 20.0, top = 40.0, bottom = 60.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxValue = niceCeiling(([columns] + lines).flatMap(\.values).max() ?? 1)
        let n = max(1, labels.count)
        let step = plotW / Double(n)
        var svg = header(width: width, height: height, title: title)
        svg += axis(left: left, top: top, plotW: plotW, plotH: plotH, maxValue: maxValue) { Money.number($0, decimals: 0) }
        for (i, value) in columns.values.enumerated() {
            let h = maxValue > 0 ? value / maxValue * plotH : 0
            svg += "<rect x=\"\(f(left + step * Double(i)))\" y=\"\(f(top + plotH - h))\" width=\"\(f(max(0.5, step * 0.85)))\" height=\"\(f(h))\" fill=\"\(columns.color)\"><title>\(HTMLPage.escape("\(labels[i]): \(Money.number(value)) \(columns.name)"))</title></rect>\n"
        }
        for series in lines {
            let points = series.values.enumerated().map { i, v in
                "\(f(left + step * (Double(i) + 0.5))),\(f(top + plotH - (maxValue > 0 ? v / maxValue * plotH : 0)))"
            }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(series.color)\" stroke-width=\"1.5\" points=\"\(points)\"/>\n"
        }
        let every = max(1, tickEvery)
        for i in stride(from: 0, to: labels.count, by: every) {
            let x = left + step * Double(i)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(top + plotH))\" x2=\"\(f(x))\" y2=\"\(f(top + plotH + 4))\" stroke=\"#9aa5b1\"/>"
            svg += "<text x=\"\(f(x + 2))\" y=\"\(f(top + plotH + 16))\" font-size=\"10\">\(HTMLPage.escape(labels[i]))</text>\n"
        }
        svg += legend([columns] + lines, x: left, y: height - 12)
        return svg + "</svg>\n"
    }

    static func header(width: Double, height: Double, title: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width)) \(f(height))\" width=\"100%\" role=\"img\" aria-label=\"\(HTMLPage.escape(title))\">\n"
            + "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"600\">\(HTMLPage.escape(title))</text>\n"
    }

    static func axis(left: Double, top: Double, plotW: Double, plotH: Double, maxValue: Double, format: (Double) -> String) -> String {
        var svg = ""
        for i in 0...4 {
            let value = maxValue * Double(i) / 4
            let y = top + plotH - plotH * Double(i) / 4
            svg += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#e4e7eb\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y + 4))\" font-size=\"10\" text-anchor=\"end\" fill=\"#616e7c\">\(HTMLPage.escape(format(value)))</text>\n"
        }
        return svg
    }

    static func legend(_ series: [Series], x: Double, y: Double) -> String {
        var svg = ""
        var cursor = x
        for s in series {
            svg += "<rect x=\"\(f(cursor))\" y=\"\(f(y - 9))\" width=\"10\" height=\"10\" fill=\"\(s.color)\"/>"
            svg += "<text x=\"\(f(cursor + 14))\" y=\"\(f(y))\" font-size=\"11\">\(HTMLPage.escape(s.name))</text>\n"
            cursor += 24 + Double(s.name.count) * 6.5
        }
        return svg
    }

    /// 1, 2, 2.5 or 5 times a power of ten at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let power = pow(10, (log10(value)).rounded(.down))
        for m in [1.0, 2, 2.5, 5, 10] where m * power >= value { return m * power }
        return 10 * power
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
