// EPUBCheck over many books in one JVM (the jar's command line takes one book per run).
// Run with Java's single-file source launcher, the EPUBCheck jar on the class path:
//   java -cp epubcheck.jar tools/EpubCheckAll.java REPORT_DIR BOOK.epub...
// Used by the audit (relapse_handouts/checkers.py) and the tests (tests/base.py).
// Writes REPORT_DIR/<n>.json (EPUBCheck's JSON report) for the n-th book, in order.
import com.adobe.epubcheck.tool.EpubChecker;
import java.io.File;

public class EpubCheckAll {
    public static void main(String[] args) {
        File reports = new File(args[0]);
        reports.mkdirs();
        for (int i = 1; i < args.length; i++) {
            String report = new File(reports, (i - 1) + ".json").getPath();
            new EpubChecker().run(new String[] {"--quiet", "--json", report, args[i]});
        }
    }
}
