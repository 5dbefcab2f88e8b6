package org.genovfl.party.web.ui;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;

/** Sign-in, the landing redirect and the 403 page. */
@Controller
class HomePages {

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/")
    String home(@ModelAttribute("me") SignedInPerson me) {
        return "redirect:" + me.home();
    }

    @GetMapping("/ui/forbidden")
    String forbidden(HttpServletResponse response, Model model) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        return "forbidden";
    }
}
