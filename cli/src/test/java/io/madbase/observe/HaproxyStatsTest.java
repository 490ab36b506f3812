package io.madbase.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HaproxyStatsTest {
  static final String HEADER =
      "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,\n";

  static String row(String px, String sv, String status, String check) {
    return px
        + ","
        + sv
        + ",0,0,3,5,150,10,0,0,,0,,0,0,0,0,"
        + status
        + ",1,1,0,0,0,10,0,,1,2,1,,0,,2,0,,1,"
        + check
        + ",\n";
  }

  @Test
  void aServerWhoseCheckIsRunningRightNowIsStillUp() {
    List<HaproxyStats.Server> s =
        HaproxyStats.parse(
            HEADER
                + row("primary", "pg1", "UP", "* L7OK")
                + row("primary", "pg2", "DOWN", "L7STS")
                + row("primary", "BACKEND", "UP", ""));
    assertThat(s).hasSize(2);
    assertThat(s.get(0).up()).isTrue();
    assertThat(s.get(0).currentSessions()).isEqualTo(3);
    assertThat(s.get(1).up()).isFalse();
  }

  @Test
  void upBeforeTheFirstCheckDoesNotCount() {
    // HAProxy counts a server UP until its first check fails (docs/running-natively.md): no check
    // yet is not UP
    assertThat(HaproxyStats.parse(HEADER + row("primary", "pg1", "UP", "")).get(0).up()).isFalse();
  }
}
